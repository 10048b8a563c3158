"""Makes the time-stretch and pitch-shift fixtures in Tests/Fixtures/pitch_shift/ with librosa (the reference).

Run from the repository root with the project venv:  /work/venv/bin/python Tests/Fixtures/make_pitch_shift_fixtures.py
Pinned: librosa 0.11.0 (numpy / scipy / soxr versions are recorded in pitch_shift/versions.json).
Every array is float32, C order.

librosa's pitch_shift resamples from sr / rate to sr with soxr by default; AudioDSP resamples with libsamplerate, so
the exact-parity cases use res_type='fft' (scipy.signal.resample, which AudioDSP reproduces), and one default
soxr_hq case measures how far libsamplerate's best sinc lands from soxr's.
"""
import json
import os

import librosa
import numpy as np
import scipy
import soxr

assert librosa.__version__ == "0.11.0", f"fixtures are pinned to librosa 0.11.0, found {librosa.__version__}"

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(ROOT, "pitch_shift")
REPO = os.path.dirname(os.path.dirname(ROOT))
os.makedirs(OUT, exist_ok=True)
SR, N_FFT, HOP = 22050, 2048, 512


def save(name, array):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(array, dtype=np.float32))


# A synthetic harmonic tone: 0.5 s of a 220 Hz sawtooth-like sum of 12 harmonics with a slow vibrato, a seeded
# noise floor and a click, so the vocoder sees steady partials, a glide and a transient.
rng = np.random.default_rng(20260301)
t = np.arange(SR // 2) / SR
phase = 2 * np.pi * (220 * t - 3 / (2 * np.pi * 5) * np.cos(2 * np.pi * 5 * t))
tone = sum(np.sin(h * phase) / h for h in range(1, 13)) * 0.3 + 0.01 * rng.standard_normal(t.size)
tone[4000] += 0.5
tone = tone.astype(np.float32)
save("tone.npy", tone)

# 0.75 s of the bundled male speech from 0.4 s, loaded by librosa at 22.05 kHz (soxr_hq), stored as is.
speech, _ = librosa.load(os.path.join(REPO, "Resources", "Samples", "speech_male_us.wav"), sr=SR, offset=0.4,
                         duration=0.75)
save("speech.npy", speech)
signals = dict(tone=tone, speech=speech)

stretch_cases = [dict(signal=s, rate=r) for s in ("tone", "speech") for r in (0.8, 1.25)]
stretch_cases.append(dict(signal="speech", rate=2.0 ** (-4 / 12)))  # the stretch inside a +4 semitone shift
for case in stretch_cases:
    case["file"] = f"time_stretch_{case['signal']}_{case['rate']:.4f}.npy"
    save(case["file"], librosa.effects.time_stretch(signals[case["signal"]], rate=case["rate"], n_fft=N_FFT,
                                                    hop_length=HOP))

shift_cases = [dict(signal="speech", n_steps=4.0, res_type="fft"), dict(signal="speech", n_steps=-3.0, res_type="fft"),
               dict(signal="tone", n_steps=7.0, res_type="fft"), dict(signal="tone", n_steps=-12.0, res_type="fft"),
               dict(signal="speech", n_steps=4.0, res_type="soxr_hq")]
for case in shift_cases:
    case["file"] = f"pitch_shift_{case['signal']}_{case['n_steps']:+g}_{case['res_type']}.npy"
    save(case["file"], librosa.effects.pitch_shift(signals[case["signal"]], sr=SR, n_steps=case["n_steps"],
                                                   res_type=case["res_type"], n_fft=N_FFT, hop_length=HOP))

with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump(dict(sample_rate=SR, n_fft=N_FFT, hop_length=HOP, time_stretch=stretch_cases, pitch_shift=shift_cases,
                   speech=dict(file="Resources/Samples/speech_male_us.wav", offset=0.4, duration=0.75)), f, indent=1)
with open(os.path.join(OUT, "versions.json"), "w") as f:
    json.dump(dict(librosa=librosa.__version__, numpy=np.__version__, scipy=scipy.__version__,
                   soxr=soxr.__version__), f, indent=1)
print("wrote", sorted(os.listdir(OUT)))
