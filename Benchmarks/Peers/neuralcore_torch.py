"""PyTorch peer for NeuralCoreBenchmarks: times one style-transfer step of one case in this process.

A step is forward + backward-to-input + `torch.optim.Adam(lr=0.01)` update of the input; weights are frozen
(`requires_grad=False`), as in style transfer.

Usage: python neuralcore_torch.py CASE THREADS REPEATS → prints "median_seconds median_cpu_seconds peak_rss_bytes"
after one warm-up step (CPU seconds: user + system time of all the process's threads). Pinned: torch==2.11.0, torchvision==0.26.0 (CPU).
Cases: study_cnn (a), ulyanov (b), vgg_conv (c), vgg19 (d); same shapes and losses as the Swift benchmark.
"""
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F

case, threads, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
g = torch.Generator().manual_seed(0)
if case == "study_cnn":
    w = torch.randn(32, 1, 3, 1, generator=g) * 0.5
    target = torch.rand(1, 32, 511, 860, generator=g)
    x0 = torch.rand(1, 1, 513, 860, generator=g)

    def loss(x):
        a = F.leaky_relu(F.conv2d(x, w), 0.2)
        f = a.reshape(32 * 511, 860)
        s = target.reshape(32 * 511, 860)
        over_time = ((f.T @ f).square().sum() - 2 * (f.T @ s).square().sum() + (s.T @ s).square().sum()) / 860**2
        channel = a.reshape(32, -1)
        gram = channel @ channel.T / channel.shape[1]
        return over_time + gram.square().sum() + (a - target).square().mean()
elif case == "ulyanov":
    w = torch.randn(4096, 513, 11, generator=g) * 0.01
    x0 = torch.rand(1, 513, 860, generator=g)

    def loss(x):
        return F.relu(F.conv1d(x, w)).square().mean()
elif case == "vgg_conv":
    w = torch.randn(64, 64, 3, 3, generator=g) * 0.05
    x0 = torch.rand(1, 64, 128, 432, generator=g)

    def loss(x):
        return F.relu(F.conv2d(x, w, padding=1)).square().mean()
elif case == "vgg19":
    import torchvision

    torch.manual_seed(0)
    features = torchvision.models.vgg19().features[:29].eval().requires_grad_(False)
    x0 = torch.rand(1, 3, 128, 432, generator=g)

    def loss(x):
        return features(x).square().mean()
else:
    sys.exit(f"unknown case {case}")

x = x0.clone().requires_grad_(True)
optimizer = torch.optim.Adam([x], lr=0.01)
times, cpu_times = [], []
for _ in range(repeats + 1):
    start, cpu_start = time.perf_counter(), time.process_time()
    optimizer.zero_grad()
    loss(x).backward()
    optimizer.step()
    times.append(time.perf_counter() - start)
    cpu_times.append(time.process_time() - cpu_start)
print(statistics.median(times[1:]), statistics.median(cpu_times[1:]),
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
