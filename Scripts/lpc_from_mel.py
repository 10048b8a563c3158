#!/usr/bin/env python3
"""How much of a speech signal's spectral envelope linear prediction computed from the 80-band mel removes: the
premise of an LPCNet / ExcitNet vocoder, whose network then models only the residual (excitation).

For each clip x of CORPUS/heldout (Scripts/make_vocoder_corpus.py) at 22 050 Hz, frame by frame (n_fft 1024, hop 256,
Hann), order-ORDER predictors A(z) from the Levinson-Durbin recursion on three autocorrelations:
  signal   the frame's own power spectrum: the best an order-ORDER predictor does (a bound)
  mel      the power spectrum rebuilt from the 80-band amplitude mel (0-8 kHz) by librosa's inverse mel (NNLS),
           squared: what a vocoder can compute from its conditioning alone
  flat     no prediction (gain 0 dB)
each with and without pre-emphasis 1 - 0.85 z^-1 (LPCNet's) applied to x first. The prediction gain of a frame is
10 log10(E[x^2] / E[e^2]) over its windowed samples, e = A(z) x; means over active frames (within 40 dB of the
clip's loudest) are printed per clip and overall. A lag window (Gaussian, 60 Hz) and white-noise correction (1e-4)
keep the recursion stable, as speech codecs do.

usage: python3 Scripts/lpc_from_mel.py CORPUS [--order 16] [--limit N]       (librosa and numpy)
"""
import argparse
import glob
import os

import librosa
import numpy as np

SR, N_FFT, HOP, MELS, FMAX, PREEMPHASIS = 22050, 1024, 256, 80, 8000, 0.85

parser = argparse.ArgumentParser()
parser.add_argument("corpus")
parser.add_argument("--order", type=int, default=16)
parser.add_argument("--limit", type=int, default=0)
args = parser.parse_args()


def levinson(r, order):
    """Predictor coefficients a[0..order] (a[0] = 1) from autocorrelation r[0..order]."""
    a = np.zeros(order + 1)
    a[0], error = 1.0, r[0]
    for i in range(1, order + 1):
        k = -(r[i] + np.dot(a[1:i], r[i - 1:0:-1])) / error
        a[1:i + 1] = a[1:i + 1] + k * a[i - 1::-1][:i]
        error *= 1 - k * k
    return a


def predictors(power, order):
    """One predictor per frame from a [bins, frames] power spectrum."""
    r = np.fft.irfft(power, axis=0)[: order + 1]
    lags = np.arange(order + 1)
    r = r * np.exp(-0.5 * (2 * np.pi * 60 * lags / SR) ** 2)[:, None]
    r[0] *= 1 + 1e-4
    return [levinson(r[:, t], order) for t in range(power.shape[1])]


def gains(x, coefficients, active):
    """Prediction gain (dB) of each active frame of x, windowed like the STFT."""
    frames = librosa.util.frame(np.pad(x, N_FFT // 2), frame_length=N_FFT, hop_length=HOP)
    window = np.hanning(N_FFT)
    result = []
    for t in np.flatnonzero(active[: frames.shape[1]]):
        frame = frames[:, t] * window
        residual = np.convolve(frame, coefficients[t])[:N_FFT]
        result.append(10 * np.log10(np.sum(frame ** 2) / max(np.sum(residual ** 2), 1e-20)))
    return result


clips = sorted(glob.glob(os.path.join(args.corpus, "heldout", "*.wav")))[: args.limit or None]
totals = {}
for path in clips:
    x, _ = librosa.load(path, sr=SR)
    line = []
    for emphasis in (False, True):
        y = np.append(x[0], x[1:] - PREEMPHASIS * x[:-1]) if emphasis else x
        magnitude = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP))
        decibels = librosa.amplitude_to_db(magnitude.max(axis=0) + 1e-10)
        active = decibels > decibels.max() - 40
        mel = librosa.feature.melspectrogram(S=magnitude, sr=SR, n_fft=N_FFT, n_mels=MELS, fmax=FMAX, power=1)
        rebuilt = librosa.feature.inverse.mel_to_stft(mel, sr=SR, n_fft=N_FFT, fmax=FMAX, power=1)
        for name, power in (("signal", magnitude ** 2), ("mel", rebuilt ** 2)):
            key = "%s%s" % (name, " + pre-emphasis" if emphasis else "")
            values = gains(y, predictors(power, args.order), active)
            totals.setdefault(key, []).extend(values)
            line.append("%s %.1f" % (key, np.mean(values)))
    print("%s: %s" % (os.path.basename(path), ", ".join(line)))
print("mean over %d clips, order %d: %s" % (len(clips), args.order,
                                           ", ".join("%s %.1f dB" % (k, np.mean(v)) for k, v in totals.items())))
