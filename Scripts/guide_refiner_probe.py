#!/usr/bin/env python3
"""What a deterministic network can add to Griffin-Lim from the mel, judged by PESQ-WB against the original.

A guided WaveNet (Sources/Vocoders/WaveNetGuide.swift) outputs g + r: g is Griffin-Lim 32 from the mel, r a
correction. Its expectation sampler makes r a conditional mean, so this script asks what the best such mean can do,
without the autoregressive part and its exposure bias: a non-causal network that sees g and the mel around every
sample and outputs a correction in one pass. Two probes:

  refiner   a gated dilated convolution stack (WaveNet layers, but centred: dilations 1..512, kernel 3, so +-1023
            samples of g; the 80-band mel, nearest frame, conditions every layer; 32 residual, 64 skip channels),
            output g + f(g, mel), trained on the vocoder corpus's train clips:
              --loss mse     toward the guided WaveNet's own training target (the true-magnitude Griffin-Lim started
                             at g's phase, 4 plain iterations), mean squared error over the target correction's power;
                             prints the held-out explained variance EV = 1 - |r - f|^2 / |r|^2
              --loss mrstft  toward the original's STFT magnitudes at 512/128, 1024/256 and 2048/512 (spectral
                             convergence + log-magnitude L1, Parallel WaveGAN's loss): phase-free
            writes DIR/guide-<clip>.wav, DIR/refined-<clip>.wav and, for every --mix a, DIR/mix<a>-<clip>.wav
            (g + a·f)
  postnet   a frame-wise network from the log mel to the log linear magnitude (three 5-frame convolutions of 256
            channels plus a linear skip, Tacotron's post-net idea), L1 on the magnitude to the power 0.3; writes
            DIR/nnls-<clip>.wav (librosa's inverse mel) and DIR/postnet-<clip>.wav (the post-net), each through
            librosa's Griffin-Lim 32 (seed 0); with --save-magnitudes also the magnitudes themselves,
            DIR/<kind>-<clip>.wav.f32 (float32, row-major [513, frames]), for another Griffin-Lim to render

g here is librosa's Griffin-Lim 32 from librosa's inverse mel (non-negative least squares), seed 0: the project's
GriffinLimVocoder follows the same method, but its inverse mel is closer (PESQ-WB 3.17 against 2.98). With --kept DIR,
g and the target are instead read from the outputs VocoderQuality --keep DIR wrote for the train and the held-out
clips (run it with and without --split train): g from DIR/0-<clip>.wav (the project's GriffinLimVocoder, 32
iterations) and the target from DIR/<--target-row>-<clip>.wav (1: the same Griffin-Lim run to 100 iterations, a
target the mel alone determines). With --judge the script scores every written file with
../shared/eval/vocoder_judge.py and prints the means per kind.

usage: python3 Scripts/guide_refiner_probe.py CORPUS DIR --probe refiner|postnet [--loss mse|mrstft]
           [--kept DIR --target-row 1] [--seconds 600] [--steps N] [--seed 0] [--mix 0.25,0.5] [--save-magnitudes]
           [--judge PYTHON --judge-script vocoder_judge.py]
Training stops after --seconds or --steps (0: no bound), whichever comes first; a run bounded by steps alone does not
depend on the machine's speed, one bounded by time does. Needs torch, librosa and soundfile (the peer venv of
Scripts/make-peer-venv.sh); trains on 2 threads.
"""
import argparse
import glob
import json
import os
import subprocess
import time

import librosa
import numpy as np
import soundfile as sf
import torch
import torch.nn as nn

SR, N_FFT, HOP, MELS, FMAX = 22050, 1024, 256, 80, 8000

parser = argparse.ArgumentParser()
parser.add_argument("corpus")
parser.add_argument("out")
parser.add_argument("--probe", choices=["refiner", "postnet"], required=True)
parser.add_argument("--loss", choices=["mse", "mrstft"], default="mse")
parser.add_argument("--seconds", type=float, default=600)
parser.add_argument("--steps", type=int, default=0)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--mix", default="")
parser.add_argument("--save-magnitudes", action="store_true")
parser.add_argument("--kept", help="read g and the refiner's target from VocoderQuality --keep DIR's outputs")
parser.add_argument("--target-row", type=int, default=1)
parser.add_argument("--judge")
parser.add_argument("--judge-script")
args = parser.parse_args()
torch.set_num_threads(2)
torch.manual_seed(args.seed)
rng = np.random.default_rng(args.seed)
print(f"torch {torch.__version__}, librosa {librosa.__version__}, numpy {np.__version__}", flush=True)


def stft(x):
    return librosa.stft(x, n_fft=N_FFT, hop_length=HOP, center=True, pad_mode="constant")


def istft(spectrum, length):
    return librosa.istft(spectrum, hop_length=HOP, center=True, length=length)


def griffin_lim(magnitude, length):
    return librosa.griffinlim(magnitude, n_iter=32, hop_length=HOP, n_fft=N_FFT, center=True, pad_mode="constant",
                              length=length, random_state=0).astype(np.float32)


def clip(path):
    """The clip, its amplitude mel, its guide g and the refiner's target (by default the guided WaveNet's, 4
    iterations; with --kept, the kept row --target-row)."""
    y, _ = librosa.load(path, sr=SR)
    magnitude = np.abs(stft(y))
    mel = librosa.feature.melspectrogram(S=magnitude, sr=SR, n_fft=N_FFT, n_mels=MELS, fmax=FMAX, power=1)
    item = dict(name=os.path.basename(path), y=y, magnitude=magnitude,
                log_mel=np.log(np.maximum(mel, 1e-5)).astype(np.float32))
    if args.probe != "refiner":
        return item
    if args.kept:
        kept = lambda row: sf.read(os.path.join(args.kept, f"{row}-{item['name']}"), dtype="float32")[0]
        item.update(guide=kept(0), target=kept(args.target_row))
        return item
    inverse = librosa.feature.inverse.mel_to_stft(np.maximum(mel, 1e-5), sr=SR, n_fft=N_FFT, power=1, fmax=FMAX)
    guide = griffin_lim(inverse, len(y))
    target = istft(magnitude * np.exp(1j * np.angle(stft(guide))), len(y))
    for _ in range(4):
        target = istft(magnitude * np.exp(1j * np.angle(stft(target))), len(y))
    item.update(guide=guide, target=target.astype(np.float32))
    return item


train = [clip(f) for f in sorted(glob.glob(os.path.join(args.corpus, "train", "*.wav")))]
held = [clip(f) for f in sorted(glob.glob(os.path.join(args.corpus, "heldout", "*.wav")))]
os.makedirs(args.out, exist_ok=True)


class Layer(nn.Module):
    def __init__(self, dilation, residual=32, skip=64):
        super().__init__()
        self.conv = nn.Conv1d(residual, 2 * residual, 3, padding=dilation, dilation=dilation)
        self.condition = nn.Conv1d(MELS, 2 * residual, 1)
        self.residual = nn.Conv1d(residual, residual, 1)
        self.skip = nn.Conv1d(residual, skip, 1)

    def forward(self, h, c):
        a, b = (self.conv(h) + self.condition(c)).chunk(2, 1)
        z = torch.tanh(a) * torch.sigmoid(b)
        return h + self.residual(z), self.skip(z)


class Refiner(nn.Module):
    def __init__(self, residual=32, skip=64):
        super().__init__()
        self.input = nn.Conv1d(1, residual, 1)
        self.layers = nn.ModuleList(Layer(2 ** i, residual, skip) for i in range(10))
        self.output = nn.Sequential(nn.ReLU(), nn.Conv1d(skip, skip, 1), nn.ReLU(), nn.Conv1d(skip, 1, 1))

    def forward(self, g, c):
        h, total = self.input(g), 0
        for layer in self.layers:
            h, s = layer(h, c)
            total = total + s
        return self.output(total)


class PostNet(nn.Module):
    def __init__(self, channels=256):
        super().__init__()
        self.skip = nn.Conv1d(MELS, N_FFT // 2 + 1, 1)
        self.net = nn.Sequential(
            nn.Conv1d(MELS, channels, 5, padding=2), nn.LeakyReLU(0.2),
            nn.Conv1d(channels, channels, 5, padding=2), nn.LeakyReLU(0.2),
            nn.Conv1d(channels, channels, 5, padding=2), nn.LeakyReLU(0.2), nn.Conv1d(channels, N_FFT // 2 + 1, 1))

    def forward(self, log_mel):
        return self.skip(log_mel) + self.net(log_mel)


def multi_resolution_stft_loss(x, y):
    total = 0
    for n_fft, hop in ((512, 128), (1024, 256), (2048, 512)):
        window = torch.hann_window(n_fft)
        mx = torch.stft(x, n_fft, hop, window=window, return_complex=True).abs().clamp_min(1e-5)
        my = torch.stft(y, n_fft, hop, window=window, return_complex=True).abs().clamp_min(1e-5)
        total = total + torch.linalg.norm(my - mx) / torch.linalg.norm(my) + (my.log() - mx.log()).abs().mean()
    return total / 3


def per_sample_mel(item, window=None):
    """The normalised log mel at every sample of `window` (default: the whole clip), nearest frame: [80, samples]."""
    samples = np.arange(len(item["y"]))[window or slice(None)]
    frame = np.minimum((samples + HOP // 2) // HOP, item["log_mel"].shape[1] - 1)
    return (item["log_mel"][:, frame] + 5) / 3


def train_loop(model, batch_loss):
    optimiser, started, step = torch.optim.Adam(model.parameters(), 1e-3), time.time(), 0
    while time.time() - started < args.seconds and (args.steps == 0 or step < args.steps):
        loss = batch_loss()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        step += 1
        if step % 100 == 0:
            print(f"step {step} loss {loss.item():.4f} {time.time() - started:.0f} s", flush=True)
    print(f"{step} steps in {time.time() - started:.0f} s", flush=True)


def run_refiner():
    scale = 1 / np.sqrt(np.mean(np.concatenate([item["guide"] for item in train]) ** 2))
    model, crop, lengths = Refiner(), 8192, np.array([len(item["y"]) for item in train], dtype=float)

    def batch_loss():
        guides, mels, goals = [], [], []
        for _ in range(4):
            item = train[rng.choice(len(train), p=lengths / lengths.sum())]
            start = rng.integers(0, len(item["y"]) - crop)
            window = slice(start, start + crop)
            guides.append(item["guide"][window] * scale)
            mels.append(per_sample_mel(item, window))
            goal = item["target"] - item["guide"] if args.loss == "mse" else item["y"]
            goals.append(goal[window] * scale)
        g, c, goal = (torch.tensor(np.stack(v)) for v in (guides, mels, goals))
        correction = model(g[:, None], c)[:, 0]
        if args.loss == "mse":
            return ((correction - goal) ** 2).mean() / (goal ** 2).mean()
        return multi_resolution_stft_loss(g + correction, goal)

    train_loop(model, batch_loss)
    mixes = [float(a) for a in args.mix.split(",") if a]
    with torch.no_grad():
        for item in held:
            g = item["guide"]
            f = model(torch.tensor(g * scale)[None, None], torch.tensor(per_sample_mel(item))[None])[0, 0]
            f = f.numpy() / scale
            if args.loss == "mse":
                r = item["target"] - g
                print(f"{item['name']}: EV {1 - np.sum((r - f) ** 2) / np.sum(r ** 2):+.3f}, |r|/|g| "
                      f"{np.linalg.norm(r) / np.linalg.norm(g):.2f}")
            outputs = [("guide", g), ("refined", g + f)] + [(f"mix{a}", g + a * f) for a in mixes]
            for kind, signal in outputs:
                sf.write(os.path.join(args.out, f"{kind}-{item['name']}"), signal, SR, subtype="FLOAT")


def run_postnet():
    model, frames = PostNet(), 64

    def batch_loss():
        mels, logs = [], []
        for _ in range(16):
            item = train[rng.integers(len(train))]
            start = rng.integers(0, item["log_mel"].shape[1] - frames)
            mels.append(item["log_mel"][:, start:start + frames])
            logs.append(np.log(np.maximum(item["magnitude"][:, start:start + frames], 1e-5)))
        m, log = (torch.tensor(np.stack(v)) for v in (mels, logs))
        return (torch.exp(0.3 * model(m)) - torch.exp(0.3 * log)).abs().mean()

    train_loop(model, batch_loss)
    with torch.no_grad():
        for item in held:
            n = len(item["y"])
            predicted = np.exp(model(torch.tensor(item["log_mel"])[None])[0].numpy())
            inverse = librosa.feature.inverse.mel_to_stft(np.exp(item["log_mel"]), sr=SR, n_fft=N_FFT, power=1,
                                                          fmax=FMAX)
            for kind, magnitude in (("nnls", inverse), ("postnet", predicted)):
                if args.save_magnitudes:
                    magnitude.astype(np.float32).tofile(os.path.join(args.out, f"{kind}-{item['name']}.f32"))
                sf.write(os.path.join(args.out, f"{kind}-{item['name']}"), griffin_lim(magnitude, n), SR,
                         subtype="FLOAT")


if args.probe == "refiner":
    run_refiner()
else:
    run_postnet()

if args.judge:
    scores = {}
    for path in sorted(glob.glob(os.path.join(args.out, "*.wav"))):
        kind, name = os.path.basename(path).split("-", 1)
        reference = os.path.join(args.corpus, "heldout", name)
        result = subprocess.run([args.judge, args.judge_script, reference, path], capture_output=True, text=True,
                                check=True)
        scores.setdefault(kind, []).append(json.loads(result.stdout))
    for kind, rows in scores.items():
        mean = {key: np.mean([row[key] for row in rows]) for key in ("pesq_wb", "stoi", "lsd_db")}
        print(f"{kind:8s} PESQ-WB {mean['pesq_wb']:.2f}  STOI {mean['stoi']:.3f}  LSD {mean['lsd_db']:.2f} dB  "
              f"({len(rows)} clips)")
