"""Makes the pitch-tracking test fixtures in Tests/Fixtures/pitch/ with librosa.pyin (the numerical reference).

Run from the repository root with the project venv:  /work/venv/bin/python Tests/Fixtures/make_pitch_fixtures.py
Pinned: librosa 0.11.0 (numpy / scipy versions are recorded in pitch/versions.json).
Every array is float32, C order. Signals are passed to librosa as float32, as the Swift tests pass them.
"""
import json
import os

import librosa
import numpy as np
import scipy

assert librosa.__version__ == "0.11.0", f"fixtures are pinned to librosa 0.11.0, found {librosa.__version__}"

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(ROOT, "pitch")
REPO = os.path.dirname(os.path.dirname(ROOT))
os.makedirs(OUT, exist_ok=True)
SR = 22050


def save(name, array):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(array, dtype=np.float32))


# Synthetic, 1 s at 22.05 kHz: a 220 Hz tone with 5.5 Hz vibrato (±3 %) and two harmonics, silence, seeded white
# noise, then a glide 330 → 440 Hz with vibrato, fading out.
rng = np.random.default_rng(20260214)
t = np.arange(SR) / SR


def vibrato_tone(f0, start, stop):
    span = (t >= start) & (t < stop)
    frequency = f0(t) * (1 + 0.03 * np.sin(2 * np.pi * 5.5 * t))
    phase = 2 * np.pi * np.cumsum(frequency) / SR
    tone = 0.5 * np.sin(phase) + 0.2 * np.sin(2 * phase) + 0.1 * np.sin(3 * phase)
    return np.where(span, tone, 0.0)


synthetic = (vibrato_tone(lambda u: 220.0 + 0 * u, 0.0, 0.35)
             + np.where((t >= 0.5) & (t < 0.7), 0.1 * rng.standard_normal(t.size), 0.0)
             + vibrato_tone(lambda u: 330.0 * (4 / 3) ** np.clip((u - 0.7) / 0.3, 0, 1), 0.7, 1.0)
             * np.clip((1.0 - t) / 0.1, 0, 1))
signals = dict(synthetic=synthetic.astype(np.float32))
# Speech: 1.5 s of the bundled male US speaker from 0.3 s, loaded by librosa at 22.05 kHz.
signals["speech"], _ = librosa.load(os.path.join(REPO, "Resources", "Samples", "speech_male_us.wav"), sr=SR,
                                    offset=0.3, duration=1.5)
for name, signal in signals.items():
    save(f"{name}.npy", signal)

# librosa.pyin parameter sets: its defaults (fmin C2-ish, fmax C7-ish); a shorter frame and hop; and every model
# parameter changed, without centring-by-zeros, keeping the decoded pitch in unvoiced frames (fill_na=None).
cases = [
    dict(name="default", fmin=65.0, fmax=2093.0, sr=SR, frame_length=2048, hop_length=None, n_thresholds=100,
         beta_parameters=[2, 18], boltzmann_parameter=2, resolution=0.1, max_transition_rate=35.92, switch_prob=0.01,
         no_trough_prob=0.01, fill_na="nan", center=True, pad_mode="constant"),
    dict(name="frame1024", fmin=65.0, fmax=1000.0, sr=SR, frame_length=1024, hop_length=None, n_thresholds=100,
         beta_parameters=[2, 18], boltzmann_parameter=2, resolution=0.1, max_transition_rate=35.92, switch_prob=0.01,
         no_trough_prob=0.01, fill_na="nan", center=True, pad_mode="constant"),
    dict(name="custom", fmin=90.0, fmax=900.0, sr=SR, frame_length=1536, hop_length=300, n_thresholds=50,
         beta_parameters=[1.5, 12.5], boltzmann_parameter=1.5, resolution=0.25, max_transition_rate=20.0,
         switch_prob=0.05, no_trough_prob=0.02, fill_na=None, center=True, pad_mode="reflect"),
]
for case in cases:
    params = {k: v for k, v in case.items() if k != "name"}
    params["beta_parameters"] = tuple(params["beta_parameters"])
    params["fill_na"] = np.nan if params["fill_na"] == "nan" else params["fill_na"]
    for name, signal in signals.items():
        f0, voiced, probability = librosa.pyin(signal, **params)
        save(f"pyin_{name}_{case['name']}.npy", np.stack([f0, voiced.astype(np.float32), probability]))

with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump(dict(signals=sorted(signals), pyin=cases), f, indent=1)
with open(os.path.join(OUT, "versions.json"), "w") as f:
    json.dump(dict(librosa=librosa.__version__, numpy=np.__version__, scipy=scipy.__version__), f, indent=1)
print("wrote", sorted(os.listdir(OUT)))
