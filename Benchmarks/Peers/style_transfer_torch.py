"""PyTorch peer of StyleTransferBenchmarks: the study's random-CNN transfer of a spectrogram, the same work as
StyleTransferSession with its default configuration.

Representation: log1p(|STFT|), n_fft 1024, hop 256, Hann, centred (librosa). Network: Conv2d(1, 32, (3, 1)) with
torch.randn weights, zero bias, LeakyReLU(0.2). Loss: content weight · mean((F − P)²) + style weight ·
Σ(G − A)²/(4N²) with G = F·Fᵀ/M. Adam (lr 0.03) on the spectrogram, starting at the content. Then torchaudio
Griffin-Lim (64 iterations, momentum 0.99) and a 16-bit WAV.

Usage: style_transfer_torch.py CONTENT STYLE STEPS THREADS
Prints JSON: {"step_median": seconds per step, "whole": seconds for load → transfer → Griffin-Lim → write}.
"""
import json
import sys
import time

import librosa
import numpy as np
import soundfile
import torch
import torchaudio

content_path, style_path, steps, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
torch.manual_seed(0)

whole_start = time.perf_counter()
spectra = []
for path in (content_path, style_path):
    y, _ = librosa.load(path, sr=22050)
    spectra.append(torch.from_numpy(np.log1p(np.abs(librosa.stft(y, n_fft=1024, hop_length=256)))).float())
content, style = spectra
length = len(librosa.load(content_path, sr=22050)[0])

conv = torch.nn.Conv2d(1, 32, (3, 1))
conv.weight = torch.nn.Parameter(torch.randn(conv.weight.shape), requires_grad=False)
conv.bias = torch.nn.Parameter(torch.zeros(32), requires_grad=False)
act = torch.nn.LeakyReLU(0.2)


def features(s):
    return act(conv(s[None, None]))


def gram(f):
    m = f.reshape(f.shape[1], -1)
    return m @ m.t() / m.shape[1]


with torch.no_grad():
    target = features(content)
    style_gram = gram(features(style))
x = content.clone().requires_grad_(True)
optimizer = torch.optim.Adam([x], lr=0.03)
step_times = []
for _ in range(steps):
    t = time.perf_counter()
    optimizer.zero_grad()
    f = features(x)
    n = f.shape[1]
    loss = ((f - target) ** 2).mean() + 1e3 * ((gram(f) - style_gram) ** 2).sum() / (4 * n * n)
    loss.backward()
    optimizer.step()
    step_times.append(time.perf_counter() - t)

griffin_lim = torchaudio.transforms.GriffinLim(n_fft=1024, hop_length=256, power=1.0, n_iter=64, momentum=0.99,
                                               length=length)
audio = griffin_lim(torch.expm1(x.detach()).clamp(min=0))
soundfile.write("/tmp/style_transfer_torch_out.wav", audio.numpy(), 22050, subtype="PCM_16")
whole = time.perf_counter() - whole_start
print(json.dumps({"step_median": float(np.median(step_times)), "whole": whole}))
