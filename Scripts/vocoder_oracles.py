#!/usr/bin/env python3
"""Upper bounds for vocoder designs, measured with ../shared/eval/vocoder_judge.py on held-out clips.

For each clip x of CORPUS/heldout (made by Scripts/make_vocoder_corpus.py) at 22 050 Hz, n_fft 1024, hop 256:
  gl_mel      Griffin-Lim 32 from the 80-band amplitude mel (0-8 kHz) via the inverse mel of --inverse: librosa's
              mel_to_stft (the default), or kullback-leibler, 50 multiplicative updates from a flat start (AudioDSP's
              MelInversion.smooth): the baseline. With --guides PREFIX, gl_mel is instead read from PREFIX<clip>.wav,
              e.g. the project's own GriffinLimVocoder output that VocoderQuality --keep DIR writes as DIR/0-<clip>.wav
  mag_glphase the true STFT magnitude with gl_mel's phase, one inverse STFT: the best any network can do that
              keeps Griffin-Lim's phase and only restores the magnitude
  gl_linear   Griffin-Lim 32 from the true STFT magnitude: what a perfect mel-to-linear magnitude gives Griffin-Lim
  aligned_K   plain Griffin-Lim (momentum 0) from the true STFT magnitude started at gl_mel's phase, K = 4, 16 and
              32 iterations: the training target of a guided WaveNet (Sources/Vocoders/WaveNetGuide.swift), which keeps
              gl_mel's phase trajectory while taking the true magnitude
  mel_more_32 32 more iterations of Griffin-Lim that matches the mel (momentum 0.99, each iteration's magnitude one
              Kullback-Leibler update of the rebuilt one toward the mel, as AudioDSP's GriffinLim+Mel), started at
              gl_mel's phase: with --guides read from a WaveNet's outputs, whether its phase is a better start than
              its guide's
Prints one line per clip and kind, then the means (PESQ-WB, STOI, LSD, and the correlation of the samples with
gl_mel's).

usage: python3 Scripts/vocoder_oracles.py CORPUS [--judge ../shared/eval/vocoder_judge.py] [--limit N]
           [--inverse librosa|kullback-leibler | --guides PREFIX]
(librosa, soundfile and the judge's own packages: the judge's venv from ../shared/eval/README.md)
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

import librosa
import numpy as np
import soundfile as sf

SR, N_FFT, HOP, MELS, FMAX = 22050, 1024, 256, 80, 8000

parser = argparse.ArgumentParser()
parser.add_argument("corpus")
parser.add_argument("--judge", default=os.path.join(os.path.dirname(__file__), "../../shared/eval/vocoder_judge.py"))
parser.add_argument("--limit", type=int, default=0)
parser.add_argument("--inverse", choices=["librosa", "kullback-leibler"], default="librosa")
parser.add_argument("--guides", help="read gl_mel from PREFIX<clip>.wav instead of computing it")
args = parser.parse_args()
MEL_BASIS = librosa.filters.mel(sr=SR, n_fft=N_FFT, n_mels=MELS, fmax=FMAX)


COVERAGE = MEL_BASIS.T @ np.ones(MELS)


def mel_update(mel, spectrum):
    """One Kullback-Leibler update of the amplitude `spectrum` [bins, frames] toward the amplitude `mel`."""
    projected = MEL_BASIS @ spectrum
    ratio = np.divide(mel, projected, out=np.zeros_like(projected), where=projected > 0)
    return spectrum * np.divide(MEL_BASIS.T @ ratio, COVERAGE[:, None], out=np.zeros_like(spectrum),
                                where=COVERAGE[:, None] > 0)


def inverse_mel(mel):
    """The linear amplitude [bins, frames] that --inverse rebuilds from the amplitude mel."""
    if args.inverse == "librosa":
        return librosa.feature.inverse.mel_to_stft(mel, sr=SR, n_fft=N_FFT, fmax=FMAX, power=1)
    spectrum = np.outer(COVERAGE > 0, np.ones(mel.shape[1]))
    for _ in range(50):
        spectrum = mel_update(mel, spectrum)
    return spectrum


clips = sorted(glob.glob(os.path.join(args.corpus, "heldout", "*.wav")))
if args.limit:
    clips = clips[: args.limit]
scores = {}
with tempfile.TemporaryDirectory() as folder:
    for path in clips:
        x, _ = librosa.load(path, sr=SR)
        magnitude = np.abs(librosa.stft(x, n_fft=N_FFT, hop_length=HOP))
        mel = librosa.feature.melspectrogram(S=magnitude, sr=SR, n_fft=N_FFT, n_mels=MELS, fmax=FMAX, power=1)
        if args.guides:
            gl_mel = librosa.util.fix_length(librosa.load(args.guides + os.path.basename(path), sr=SR)[0], size=len(x))
        else:
            gl_mel = librosa.griffinlim(inverse_mel(mel), n_iter=32, hop_length=HOP, n_fft=N_FFT, length=len(x),
                                        random_state=0)
        gl_spectrum = librosa.stft(gl_mel, n_fft=N_FFT, hop_length=HOP)
        phase = np.angle(gl_spectrum)

        def aligned(iterations):
            angles = np.exp(1j * phase)
            for _ in range(iterations):
                rebuilt = librosa.stft(librosa.istft(magnitude * angles, hop_length=HOP, n_fft=N_FFT, length=len(x)),
                                       n_fft=N_FFT, hop_length=HOP)
                angles = rebuilt / np.maximum(np.abs(rebuilt), 1e-8)
            return librosa.istft(magnitude * angles, hop_length=HOP, n_fft=N_FFT, length=len(x))

        def mel_more(iterations, momentum=0.99):
            floored = np.maximum(mel, 1e-5)
            amplitude = mel_update(floored, np.maximum(np.abs(gl_spectrum), 1e-12))
            angles, previous = np.exp(1j * phase), 0
            for _ in range(iterations):
                rebuilt = librosa.stft(librosa.istft(amplitude * angles, hop_length=HOP, n_fft=N_FFT, length=len(x)),
                                       n_fft=N_FFT, hop_length=HOP)
                amplitude = mel_update(floored, np.maximum(np.abs(rebuilt), 1e-12))
                accelerated, previous = rebuilt - momentum / (1 + momentum) * previous, rebuilt
                angles = accelerated / np.maximum(np.abs(accelerated), 1e-8)
            return librosa.istft(amplitude * angles, hop_length=HOP, n_fft=N_FFT, length=len(x))

        outputs = {
            "gl_mel": gl_mel,
            "mag_glphase": librosa.istft(magnitude * np.exp(1j * phase), hop_length=HOP, n_fft=N_FFT, length=len(x)),
            "gl_linear": librosa.griffinlim(magnitude, n_iter=32, hop_length=HOP, n_fft=N_FFT, length=len(x),
                                            random_state=0),
            "aligned_4": aligned(4),
            "aligned_16": aligned(16),
            "aligned_32": aligned(32),
            "mel_more_32": mel_more(32),
        }
        for kind, samples in outputs.items():
            out = os.path.join(folder, f"{kind}.wav")
            sf.write(out, samples, SR)
            judged = subprocess.run([sys.executable, args.judge, path, out], capture_output=True, text=True, check=True)
            r = json.loads(judged.stdout)
            correlation = np.corrcoef(samples, gl_mel)[0, 1]
            scores.setdefault(kind, []).append((r["pesq_wb"], r["stoi"], r["lsd_db"], correlation))
            print(f"{os.path.basename(path)} {kind}: PESQ {r['pesq_wb']:.2f} STOI {r['stoi']:.3f} "
                  f"LSD {r['lsd_db']:.1f} dB, correlation with gl_mel {correlation:.3f}", flush=True)
print("| design bound | PESQ-WB | STOI | LSD (dB) | correlation with gl_mel |\n|---|---|---|---|---|")
for kind, rows in scores.items():
    pesq, stoi, lsd, correlation = np.mean(rows, axis=0)
    print(f"| {kind} | {pesq:.2f} | {stoi:.3f} | {lsd:.1f} | {correlation:.3f} |")
