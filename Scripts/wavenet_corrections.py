#!/usr/bin/env python3
"""How much of a guided WaveNet's training target its corrections capture, teacher-forced and generated.

A guided WaveNet (Sources/Vocoders/WaveNetGuide.swift) outputs g + r: g is Griffin-Lim 32 from the mel, r a
correction whose training target is the true-magnitude Griffin-Lim started at g's phase (targetIterations plain
iterations) minus g. For each held-out clip this script reports the explained variance EV = 1 - |r - r'|^2 / |r|^2
of the target's (µ-law quantised) correction r by:
  teacher     the expected correction, teacher-forced: the network sees the true previous corrections (what training
              optimises)
  generated   the correction the Swift vocoder actually generated (its output minus g)
  comb_pitch  a least-squares fit of r from g at lags 0, +-T, +-2T, +-3T, T the pitch period of g (librosa.pyin), over
              voiced samples, fitted on the first half of them and scored on the second: what pitch information
              makes predictable without any past correction
  comb_fixed  the same fit with a fixed T of 147 samples (150 Hz): the baseline for comb_pitch
and |r|/|g|, the size of the target correction.

The guide and the generated output come from the benchmark's kept outputs:
  swift run -c release --package-path Benchmarks VocoderQuality CORPUS --wavenet MODEL --temperatures mean --keep DIR
writes DIR/0-<clip>.wav (Griffin-Lim 32 from the mel: the guide, bit for bit) and DIR/3-<clip>.wav (the WaveNet).

usage: python3 Scripts/wavenet_corrections.py CORPUS DIR --checkpoint MODEL [--stride 2]
(torch, safetensors, librosa and soundfile: the peer venv of Scripts/make-peer-venv.sh)
"""
import argparse
import glob
import os
import sys

import librosa
import numpy as np
import soundfile as sf
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Benchmarks", "Peers"))
from wavenet_torch import load  # noqa: E402

SR, N_FFT, HOP, MELS, FMAX, MU = 22050, 1024, 256, 80, 8000, 255

parser = argparse.ArgumentParser()
parser.add_argument("corpus")
parser.add_argument("outputs")
parser.add_argument("--checkpoint", required=True)
parser.add_argument("--stride", type=int, default=1)
args = parser.parse_args()
torch.set_num_threads(1)
model, description = load(args.checkpoint)
iterations = description["configuration"]["guide"]["targetIterations"]
amplitudes = torch.tensor(librosa.mu_expand(np.arange(MU + 1) - (MU + 1) // 2, mu=MU, quantize=True),
                          dtype=torch.float32)


def stft(x):
    return librosa.stft(x, n_fft=N_FFT, hop_length=HOP, center=True, pad_mode="constant")


def classes(x):
    return librosa.mu_compress(np.clip(x, -1, 1), mu=MU, quantize=True) + (MU + 1) // 2


def explained(r, estimate):
    return 1 - np.sum((r - estimate) ** 2) / np.sum(r ** 2)


def teacher_forced(previous, guide, conditioning):
    """The expected correction at every sample given the previous classes (the first input is the middle class)."""
    inputs = np.concatenate([[(MU + 1) // 2], previous[:-1]])
    stacked = torch.stack([model.input_value(torch.tensor(inputs)), torch.tensor(guide, dtype=torch.float32)])[None]
    with torch.no_grad():
        probabilities = torch.softmax(model(conditioning, stacked)[0], 0)
    return (amplitudes[:, None] * probabilities).sum(0).numpy()


def comb_fit(r, guide, period, voiced):
    """EV of r from g at lags 0, ±T, ±2T, ±3T (least squares on the first half of the voiced samples)."""
    reach = 3 * int(period.max())
    t = np.nonzero(voiced & (np.arange(len(r)) >= reach) & (np.arange(len(r)) < len(r) - reach))[0]
    lags = period[t]
    features = np.stack([guide[t]] + [guide[t + s * m * lags] for m in (1, 2, 3) for s in (-1, 1)], 1)
    half = len(t) // 2
    weights, *_ = np.linalg.lstsq(features[:half], r[t[:half]], rcond=None)
    return explained(r[t[half:]], features[half:] @ weights)


means = {}
for path in sorted(glob.glob(os.path.join(args.corpus, "heldout", "*.wav")))[:: args.stride]:
    name = os.path.basename(path)
    x, _ = librosa.load(path, sr=SR)
    x = np.clip(x, -1, 1)
    count = len(x)
    guide = sf.read(os.path.join(args.outputs, "0-" + name), dtype="float32")[0][:count]
    generated = sf.read(os.path.join(args.outputs, "3-" + name), dtype="float32")[0][:count]
    magnitude = np.abs(stft(x))
    target = librosa.istft(magnitude * np.exp(1j * np.angle(stft(guide))), hop_length=HOP, length=count)
    for _ in range(iterations):
        target = librosa.istft(magnitude * np.exp(1j * np.angle(stft(target))), hop_length=HOP, length=count)
    target_classes = classes(target - guide)
    r = librosa.mu_expand(target_classes - (MU + 1) // 2, mu=MU, quantize=True)
    mel = librosa.feature.melspectrogram(S=magnitude, sr=SR, n_fft=N_FFT, n_mels=MELS, fmax=FMAX, power=1)
    mel = torch.tensor(np.log(np.maximum(mel, 1e-5)), dtype=torch.float32)[None]
    with torch.no_grad():
        conditioning = model.conditioning(mel, torch.tensor(guide)[None, None], count)
    f0, voiced, _ = librosa.pyin(guide, fmin=60, fmax=400, sr=SR, frame_length=N_FFT, hop_length=HOP)
    frame = np.minimum(np.arange(count) // HOP, len(voiced) - 1)
    period = np.round(SR / np.nan_to_num(f0, nan=150.0)[frame]).astype(int)
    row = {
        "|r|/|g|": np.linalg.norm(r) / np.linalg.norm(guide),
        "teacher": explained(r, teacher_forced(target_classes, guide, conditioning)),
        "generated": explained(r, generated - guide),
        "comb_pitch": comb_fit(r, guide, period, voiced[frame]),
        "comb_fixed": comb_fit(r, guide, np.full(count, 147), voiced[frame]),
    }
    print(name, "  ".join(f"{key} {value:+.3f}" for key, value in row.items()), flush=True)
    for key, value in row.items():
        means.setdefault(key, []).append(value)
print("mean", "  ".join(f"{key} {np.mean(values):+.3f}" for key, values in means.items()))
