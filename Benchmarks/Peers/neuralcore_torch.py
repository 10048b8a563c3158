"""PyTorch peer for NeuralCoreBenchmarks: times forward + backward-to-input of one case.

Usage: python neuralcore_torch.py CASE THREADS REPEATS  → prints the median seconds. Pinned: torch==2.11.0 (CPU).
Cases: study_cnn (a), ulyanov (b), vgg_conv (c); same shapes and losses as the Swift benchmark.
"""
import statistics
import sys
import time

import torch
import torch.nn.functional as F

case, threads, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
g = torch.Generator().manual_seed(0)
if case == "study_cnn":
    x0, w = torch.rand(1, 1, 513, 860, generator=g), torch.randn(32, 1, 3, 1, generator=g) * 0.5
    target = torch.rand(1, 32, 511, 860, generator=g)

    def loss(x):
        a = F.leaky_relu(F.conv2d(x, w), 0.2)
        f = a.reshape(32 * 511, 860)
        s = target.reshape(32 * 511, 860)
        over_time = ((f.T @ f).square().sum() - 2 * (f.T @ s).square().sum() + (s.T @ s).square().sum()) / 860**2
        channel = a.reshape(32, -1)
        gram = channel @ channel.T / channel.shape[1]
        return over_time + gram.square().sum() + (a - target).square().mean()
elif case == "ulyanov":
    x0, w = torch.rand(1, 513, 860, generator=g), torch.randn(4096, 513, 11, generator=g) * 0.01

    def loss(x):
        return F.relu(F.conv1d(x, w)).square().mean()
else:
    x0, w = torch.rand(1, 64, 128, 432, generator=g), torch.randn(64, 64, 3, 3, generator=g) * 0.05

    def loss(x):
        return F.relu(F.conv2d(x, w, padding=1)).square().mean()

times = []
for _ in range(repeats + 1):
    x = x0.clone().requires_grad_(True)
    start = time.perf_counter()
    loss(x).backward()
    times.append(time.perf_counter() - start)
print(statistics.median(times[1:]))
