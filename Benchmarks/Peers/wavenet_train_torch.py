"""PyTorch peer of WaveNetTrainingBenchmarks: the training step of the WaveNet twin in wavenet_torch.py.

Usage: python wavenet_train_torch.py CHECKPOINT BATCH CROP STEPS THREADS
  → takes the architecture and front end from CHECKPOINT, draws one random batch (BATCH crops of CROP samples with
    3 mel frames of context on each side, as the Swift trainer), and runs 2 warm-up steps then STEPS timed training
    steps (upsampling, teacher-forced logits, cross-entropy, backward, Adam) on THREADS threads; prints the median
    wall seconds and the median process CPU seconds of one step. Pinned: torch==2.11.0 (CPU), safetensors.
"""
import statistics
import sys
import time

import torch
import torch.nn.functional as F

from wavenet_torch import load

MARGIN_FRAMES = 3


def main():
    path, batch, crop, steps, threads = sys.argv[1], *map(int, sys.argv[2:6])
    torch.set_num_threads(threads)
    model, description = load(path)
    model.train()
    hop = description["frontEnd"]["hopLength"]
    mel_bands = description["frontEnd"]["frequencyAxis"]["mel"]["_0"]["count"]
    classes = description["configuration"]["mu"] + 1
    g = torch.Generator().manual_seed(0)
    mel = torch.rand(batch, mel_bands, crop // hop + 2 * MARGIN_FRAMES, generator=g) * 6 - 8
    targets = torch.randint(0, classes, (batch, crop), generator=g)
    previous = model.input_value(torch.roll(targets, 1, dims=1)).unsqueeze(1)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    wall, cpu = [], []
    for _ in range(steps + 2):
        start, start_cpu = time.perf_counter(), time.process_time()
        conditioning = model.conditioning(mel)[:, :, MARGIN_FRAMES * hop:MARGIN_FRAMES * hop + crop]
        loss = F.cross_entropy(model(conditioning, previous), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(statistics.median(wall[2:]), statistics.median(cpu[2:]))


if __name__ == "__main__":
    main()
