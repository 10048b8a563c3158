"""Peer side of the AudioDSP benchmark: librosa 0.11 (and torchaudio's GriffinLim when torch is installed).

Started by `swift run -c release --package-path Benchmarks AudioDSPBenchmarks`, which sets the thread count through
OMP/OPENBLAS/MKL_NUM_THREADS before launch and passes --threads for torch. It loads the clip once, then reads one
command per line on stdin ("COMMAND [REPEATS]", REPEATS back-to-back calls, default 1) and answers one JSON line on
stdout with the list of seconds the calls took (time.perf_counter around each call only) and accuracy figures of the
last call:

  load | stft | mel | inverse_mel | griffinlim | torch_griffinlim | mel_to_audio | convergence_seeds | pyin | quit

mel_to_audio runs librosa.feature.inverse.mel_to_audio on the power mel (mel_to_stft, then griffinlim with
--iterations from librosa's random start; mel_to_audio takes no random_state) and answers the output's mel residual
||mel(y) - M|| / ||M||.

pyin runs librosa.pyin(y, fmin=--pyin-fmin, fmax=--pyin-fmax, sr=--sr) with its other defaults.

convergence_seeds answers the spectral convergence after --iterations for random seeds 0 ..< --seeds (default 50;
librosa, torchaudio).

Usage: audiodsp_librosa.py CLIP --threads N --sr 22050 --n-fft 1024 --hop 256 --mels 80 --iterations 32
       --load-sr 16000 --dump DIR   (inverse_mel writes DIR/librosa_inverse_mel.npy, the power NNLS result)
"""
import argparse
import json
import os
import sys
import time

import librosa
import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("clip")
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--sr", type=int, default=22050)
parser.add_argument("--n-fft", type=int, default=1024)
parser.add_argument("--hop", type=int, default=256)
parser.add_argument("--mels", type=int, default=80)
parser.add_argument("--iterations", type=int, default=32)
parser.add_argument("--load-sr", type=int, default=16000)
parser.add_argument("--dump", default=None)
parser.add_argument("--seeds", type=int, default=50)
parser.add_argument("--pyin-fmin", type=float, default=65.0)
parser.add_argument("--pyin-fmax", type=float, default=2093.0)
args = parser.parse_args()

try:
    import torch
    import torchaudio

    torch.set_num_threads(args.threads)
    have_torch = True
except Exception:  # torch is optional: the torchaudio row is skipped without it
    have_torch = False

y, sr = librosa.load(args.clip, sr=args.sr)
magnitude = np.abs(librosa.stft(y, n_fft=args.n_fft, hop_length=args.hop))
mel_power = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=args.n_fft, hop_length=args.hop, n_mels=args.mels)
basis = librosa.filters.mel(sr=sr, n_fft=args.n_fft, n_mels=args.mels)


def spectral_convergence(audio):
    rebuilt = np.abs(librosa.stft(audio, n_fft=args.n_fft, hop_length=args.hop))[:, : magnitude.shape[1]]
    return float(np.linalg.norm(rebuilt - magnitude) / np.linalg.norm(magnitude))


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def run(command):
    if command == "load":
        seconds, _ = timed(lambda: librosa.load(args.clip, sr=args.load_sr))
        return dict(seconds=seconds, resampler="soxr_hq")
    if command == "stft":
        seconds, _ = timed(lambda: librosa.stft(y, n_fft=args.n_fft, hop_length=args.hop))
        return dict(seconds=seconds)
    if command == "mel":
        seconds, _ = timed(lambda: librosa.feature.melspectrogram(
            y=y, sr=sr, n_fft=args.n_fft, hop_length=args.hop, n_mels=args.mels))
        return dict(seconds=seconds)
    if command == "inverse_mel":
        seconds, result = timed(lambda: librosa.feature.inverse.mel_to_stft(
            mel_power, sr=sr, n_fft=args.n_fft, power=2.0))
        power = result**2
        if args.dump:
            np.save(os.path.join(args.dump, "librosa_inverse_mel.npy"), power.astype(np.float32))
        residual = float(np.linalg.norm(basis @ power - mel_power) / np.linalg.norm(mel_power))
        error = float(np.linalg.norm(power - magnitude**2) / np.linalg.norm(magnitude**2))
        return dict(seconds=seconds, mel_residual=residual, error_vs_true_power=error)
    if command == "griffinlim":
        seconds, audio = timed(lambda: librosa.griffinlim(
            magnitude, n_iter=args.iterations, hop_length=args.hop, n_fft=args.n_fft, length=len(y), random_state=0))
        return dict(seconds=seconds, spectral_convergence=spectral_convergence(audio))
    if command == "torch_griffinlim":
        if not have_torch:
            return dict(skipped="torch is not installed")
        transform = torchaudio.transforms.GriffinLim(
            n_fft=args.n_fft, hop_length=args.hop, n_iter=args.iterations, power=1.0, momentum=0.99, length=len(y))
        tensor = torch.from_numpy(magnitude)
        torch.manual_seed(0)
        with torch.no_grad():
            seconds, audio = timed(lambda: transform(tensor))
        return dict(seconds=seconds, spectral_convergence=spectral_convergence(audio.numpy()))
    if command == "mel_to_audio":
        seconds, audio = timed(lambda: librosa.feature.inverse.mel_to_audio(
            mel_power, sr=sr, n_fft=args.n_fft, hop_length=args.hop, power=2.0, n_iter=args.iterations,
            length=len(y)))
        rebuilt = librosa.feature.melspectrogram(y=audio, sr=sr, n_fft=args.n_fft, hop_length=args.hop, n_mels=args.mels)
        residual = float(np.linalg.norm(rebuilt - mel_power) / np.linalg.norm(mel_power))
        return dict(seconds=seconds, mel_residual=residual)
    if command == "convergence_seeds":
        librosa_values = [spectral_convergence(librosa.griffinlim(
            magnitude, n_iter=args.iterations, hop_length=args.hop, n_fft=args.n_fft, length=len(y), random_state=seed))
            for seed in range(args.seeds)]
        torch_values = []
        if have_torch:
            transform = torchaudio.transforms.GriffinLim(
                n_fft=args.n_fft, hop_length=args.hop, n_iter=args.iterations, power=1.0, momentum=0.99, length=len(y))
            for seed in range(args.seeds):
                torch.manual_seed(seed)
                with torch.no_grad():
                    torch_values.append(spectral_convergence(transform(torch.from_numpy(magnitude)).numpy()))
        return dict(librosa=librosa_values, torchaudio=torch_values)
    if command == "pyin":
        seconds, (f0, voiced, _) = timed(lambda: librosa.pyin(y, fmin=args.pyin_fmin, fmax=args.pyin_fmax, sr=sr))
        return dict(seconds=seconds, voiced_frames=int(voiced.sum()), frames=int(voiced.size))
    raise ValueError(f"unknown command {command!r}")


print(json.dumps(dict(ready=True, librosa=librosa.__version__, numpy=np.__version__,
                      torch=torch.__version__ if have_torch else None)), flush=True)
for line in sys.stdin:
    # "COMMAND [REPEATS]": REPEATS back-to-back calls; "seconds" is the list of their times.
    fields = line.split()
    if not fields:
        continue
    if fields[0] == "quit":
        break
    results = [run(fields[0]) for _ in range(int(fields[1]) if len(fields) > 1 else 1)]
    print(json.dumps(dict(command=fields[0], **{**results[-1], "seconds": [r.get("seconds") for r in results]})), flush=True)
