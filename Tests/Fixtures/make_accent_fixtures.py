"""Makes the accent-conversion fixtures in Tests/Fixtures/accent/ with librosa (the numerical reference).

Run from the repository root with the project venv:  /work/venv/bin/python Tests/Fixtures/make_accent_fixtures.py
Pinned: librosa 0.11.0 (numpy / scipy versions are recorded in accent/versions.json).

- dtw_<case>_a.npy, _b.npy: two feature sequences, frame-major [frames, dimension]; dtw_<case>_path.npy: the warping
  path of librosa.sequence.dtw(X=a.T, Y=b.T, metric="euclidean") as [steps, 2] (i, j), first step first. Case
  "random" has seeded Gaussian features; case "ties" small integers, so that equal costs test the step order.
- band_centres_<case>.npy: librosa.mel_frequencies(n_mels + 2, fmin, fmax, htk)[1:-1] (float64 stored as float32).
- clip_cepstra.npy [frames, 25] and clip_active.npy [frames]: the AccentConverter analysis of the first second of
  Resources/Samples/speech_male_us.wav: RMS normalised to -20 dBFS, |STFT|^2 (n_fft 1024, hop 256, Hann, centred
  with zeros), 80 Slaney mels, natural log floored at 1e-10 of the largest power, orthonormal DCT-II / sqrt(160),
  c0..c24 (../shared/eval/evalcommon.py's 'mel' mel-cepstrum); active: librosa.feature.rms (1024 / 256) within
  40 dB of the loudest frame (its active_frames).
"""
import json
import math
import os

import librosa
import numpy as np
import scipy

assert librosa.__version__ == "0.11.0", f"fixtures are pinned to librosa 0.11.0, found {librosa.__version__}"

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(ROOT, "accent")
REPO = os.path.dirname(os.path.dirname(ROOT))
os.makedirs(OUT, exist_ok=True)


def save(name, array):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(array, dtype=np.float32))


rng = np.random.default_rng(20261205)
sequences = {
    "random": (rng.standard_normal((23, 5)), rng.standard_normal((31, 5))),
    "ties": (rng.integers(0, 3, (12, 2)).astype(float), rng.integers(0, 3, (9, 2)).astype(float)),
}
for name, (a, b) in sequences.items():
    a, b = a.astype(np.float32), b.astype(np.float32)
    _, path = librosa.sequence.dtw(X=a.T, Y=b.T, metric="euclidean")
    save(f"dtw_{name}_a.npy", a)
    save(f"dtw_{name}_b.npy", b)
    save(f"dtw_{name}_path.npy", path[::-1])

centre_cases = [dict(name="slaney_80_22050", n_mels=80, fmin=0.0, fmax=11025.0, htk=False),
                dict(name="htk_32_50_7000", n_mels=32, fmin=50.0, fmax=7000.0, htk=True)]
for case in centre_cases:
    save(f"band_centres_{case['name']}.npy",
         librosa.mel_frequencies(case["n_mels"] + 2, fmin=case["fmin"], fmax=case["fmax"], htk=case["htk"])[1:-1])

clip, sr = librosa.load(os.path.join(REPO, "Resources", "Samples", "speech_male_us.wav"), sr=None, duration=1.0)
assert sr == 22050
x = clip * (10 ** (-20 / 20) / np.sqrt(np.mean(clip.astype(np.float64) ** 2)))
power = np.abs(librosa.stft(x, n_fft=1024, hop_length=256, window="hann", center=True)) ** 2
mel = librosa.filters.mel(sr=sr, n_fft=1024, n_mels=80)
log_mel = np.log(np.maximum(mel @ power, power.max() * 1e-10))
cepstra = scipy.fft.dct(log_mel, type=2, norm="ortho", axis=0)[:25] / math.sqrt(2 * 80)
save("clip_cepstra.npy", cepstra.T)
levels = 20 * np.log10(np.maximum(librosa.feature.rms(y=x, frame_length=1024, hop_length=256, center=True)[0], 1e-10))
save("clip_active.npy", (levels > levels.max() - 40).astype(np.float32))

with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump({"dtw": list(sequences), "band_centres": centre_cases,
               "clip": "Resources/Samples/speech_male_us.wav", "clip_seconds": 1.0}, f, indent=1)
    f.write("\n")
with open(os.path.join(OUT, "versions.json"), "w") as f:
    json.dump({"librosa": librosa.__version__, "numpy": np.__version__, "scipy": scipy.__version__}, f, indent=1)
    f.write("\n")
print("wrote", sorted(os.listdir(OUT)))
