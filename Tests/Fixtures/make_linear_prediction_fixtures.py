"""Makes the linear-prediction fixtures in Tests/Fixtures/linear_prediction/ with numpy, scipy and librosa.

Run from the repository root with the project venv:
    /work/venv/bin/python Tests/Fixtures/make_linear_prediction_fixtures.py
Pinned: librosa 0.11.0 (numpy / scipy versions are recorded in linear_prediction/versions.json).

- toeplitz_r.npy [17]: the autocorrelation (lags 0..16) of 4 000 samples of a seeded AR(4) process;
  toeplitz_filter.npy [17]: [1, scipy.linalg.solve_toeplitz(r[:16], -r[1:17])], the order-16 error filter.
- clip_power.npy [513, frames]: |librosa.stft(x, n_fft=1024, hop_length=256)|^2 of 0.5 s of
  Resources/Samples/speech_male_us.wav from 0.3 s (22 050 Hz);
  clip_filters.npy [frames, 17]: Scripts/lpc_from_mel.py's predictors of that power (irfft autocorrelation, Gaussian
  lag window 60 Hz, white-noise correction 1e-4, Levinson-Durbin, order 16).
"""
import json
import os

import librosa
import numpy as np
import scipy
import scipy.linalg
import scipy.signal

assert librosa.__version__ == "0.11.0", f"fixtures are pinned to librosa 0.11.0, found {librosa.__version__}"

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(ROOT, "linear_prediction")
REPO = os.path.dirname(os.path.dirname(ROOT))
os.makedirs(OUT, exist_ok=True)
ORDER, SR = 16, 22050


def save(name, array):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(array, dtype=np.float32))


rng = np.random.default_rng(20261205)
x = scipy.signal.lfilter([1.0], [1.0, -1.2, 0.8, -0.3, 0.1], rng.standard_normal(4000))
r = np.array([np.dot(x[: len(x) - k], x[k:]) for k in range(ORDER + 1)]) / len(x)
save("toeplitz_r.npy", r)
save("toeplitz_filter.npy", np.concatenate([[1.0], scipy.linalg.solve_toeplitz(r[:ORDER], -r[1:ORDER + 1])]))

clip, _ = librosa.load(os.path.join(REPO, "Resources", "Samples", "speech_male_us.wav"), sr=SR, offset=0.3,
                       duration=0.5)
power = np.abs(librosa.stft(clip, n_fft=1024, hop_length=256)) ** 2
save("clip_power.npy", power)
autocorrelation = np.fft.irfft(power.astype(np.float32).astype(np.float64), axis=0)[: ORDER + 1]
lags = np.arange(ORDER + 1)
autocorrelation = autocorrelation * np.exp(-0.5 * (2 * np.pi * 60 * lags / SR) ** 2)[:, None]
autocorrelation[0] *= 1 + 1e-4
filters = []
for t in range(power.shape[1]):
    rt = autocorrelation[:, t]
    filters.append(np.concatenate([[1.0], scipy.linalg.solve_toeplitz(rt[:ORDER], -rt[1:ORDER + 1])]))
save("clip_filters.npy", np.array(filters))

with open(os.path.join(OUT, "versions.json"), "w") as f:
    json.dump({"librosa": librosa.__version__, "numpy": np.__version__, "scipy": scipy.__version__}, f, indent=1)
    f.write("\n")
print("wrote", sorted(os.listdir(OUT)))
