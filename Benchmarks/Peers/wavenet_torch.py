"""PyTorch twin of Vocoders.WaveNet and its incremental (queued) generation loop, the peer of WaveNetBenchmarks.

The module below has the same architecture and state-dict keys as the Swift `WaveNet`, so it loads a checkpoint
written by `demo train-wavenet` (the architecture comes from the checkpoint's "wavenet" metadata entry). The
fixture script Tests/Fixtures/make_wavenet_fixtures.py imports it for the parity fixtures.

Benchmark usage: python wavenet_torch.py CHECKPOINT SAMPLES THREADS REPEATS
  → generates SAMPLES samples from a fixed random mel (and for a guided model a fixed random guide waveform) with the
    incremental loop (Paine et al. queues, each layer's
    conditioning precomputed for the whole utterance, per-sample matrix–vector products with the conv weights),
    REPEATS times after one warm-up, and prints the median wall seconds and the median process CPU seconds. Pinned: torch==2.11.0 (CPU), safetensors.
"""
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class WaveNetLayer(nn.Module):
    def __init__(self, c, dilation):
        super().__init__()
        self.dilation, self.kernel = dilation, c["kernelSize"]
        self.dilated = nn.Conv1d(c["residualChannels"], c["gateChannels"], c["kernelSize"], dilation=dilation)
        self.condition = nn.Conv1d(c["conditionChannels"], c["gateChannels"], 1, bias=False)
        self.residual = nn.Conv1d(c["gateChannels"] // 2, c["residualChannels"], 1)
        self.skip = nn.Conv1d(c["gateChannels"] // 2, c["skipChannels"], 1)

    def forward(self, x, conditioning):
        z = self.dilated(F.pad(x, (self.dilation * (self.kernel - 1), 0))) + self.condition(conditioning)
        half = z.shape[1] // 2
        a = torch.tanh(z[:, :half]) * torch.sigmoid(z[:, half:])
        return (x + self.residual(a)) * math.sqrt(0.5), self.skip(a)


class WaveNet(nn.Module):
    """Same keys as Swift: upsample.i, input, [guide,] layers.l.{dilated,condition,residual,skip}, output1, output2.

    With a "guide" in the configuration (Swift's WaveNet.Guide), the input has a second channel (the guide's current
    sample) and `guide`, a centred convolution over the guide waveform, adds to the upsampled conditioning.
    """

    def __init__(self, c, mel_bands):
        super().__init__()
        self.c = c
        channels, stages = mel_bands, []
        for factor in c["upsampleFactors"]:
            stages.append(nn.ConvTranspose1d(channels, c["conditionChannels"], 2 * factor, stride=factor,
                                             padding=factor // 2))
            channels = c["conditionChannels"]
        self.upsample = nn.ModuleList(stages)
        guide = c.get("guide")
        self.input = nn.Conv1d(2 if guide else 1, c["residualChannels"], 1)
        if guide:
            self.guide = nn.Conv1d(1, c["conditionChannels"], guide["kernelSize"], bias=False)
        per_stack = c["layerCount"] // c["stackCount"]
        self.layers = nn.ModuleList(WaveNetLayer(c, 2 ** (i % per_stack)) for i in range(c["layerCount"]))
        self.output1 = nn.Conv1d(c["skipChannels"], c["skipChannels"], 1)
        self.output2 = nn.Conv1d(c["skipChannels"], c["mu"] + 1, 1)

    def conditioning(self, mel, guide=None, samples=None):
        """The upsampled mel, cut to `samples`; with a guide waveform [N, 1, samples], plus its centred convolution."""
        for stage in self.upsample:
            mel = F.leaky_relu(stage(mel), 0.4)
        mel = mel[:, :, :samples]
        if guide is not None:
            reach = self.guide.weight.shape[2] // 2
            mel = mel + self.guide(F.pad(guide, (reach, reach)))
        return mel

    def input_value(self, classes):
        return 2 * classes.float() / self.c["mu"] - 1

    def forward(self, conditioning, previous):
        x, skips = self.input(previous), 0
        for layer in self.layers:
            x, skip = layer(x, conditioning)
            skips = skips + skip
        return self.output2(F.relu(self.output1(F.relu(skips * math.sqrt(1 / len(self.layers))))))

    @torch.no_grad()
    def generate(self, mel, samples, generator, temperature=1.0, guide=None):
        """Incremental generation with per-layer queues; returns the classes (temperature 0: greedy argmax)."""
        conditioning = self.conditioning(mel, guide, samples)[0]
        projections = [(layer.condition.weight[:, :, 0] @ conditioning + layer.dilated.bias[:, None]).T.contiguous()
                       for layer in self.layers]
        taps = [[layer.dilated.weight[:, :, j] for j in range(layer.kernel)] for layer in self.layers]
        queues = [torch.zeros((layer.kernel - 1) * layer.dilation, self.c["residualChannels"]) for layer in self.layers]
        w_in, b_in = self.input.weight[:, 0, 0], self.input.bias
        w1, b1 = self.output1.weight[:, :, 0], self.output1.bias
        w2, b2 = self.output2.weight[:, :, 0], self.output2.bias
        scale, half = math.sqrt(1 / len(self.layers)), self.c["gateChannels"] // 2
        previous = torch.tensor((self.c["mu"] + 1) // 2)
        out = []
        for t in range(samples):
            x = w_in * self.input_value(previous) + b_in
            if guide is not None:
                x = x + self.input.weight[:, 1, 0] * guide[0, 0, t]
            skips = 0
            for l, layer in enumerate(self.layers):
                d, k, q = layer.dilation, layer.kernel, queues[l]
                z = projections[l][t] + taps[l][k - 1] @ x
                for m in range(1, k):
                    z = z + taps[l][k - 1 - m] @ q[(t - m * d) % q.shape[0]]
                q[t % q.shape[0]] = x
                a = torch.tanh(z[:half]) * torch.sigmoid(z[half:])
                x = (x + layer.residual.weight[:, :, 0] @ a + layer.residual.bias) * math.sqrt(0.5)
                skips = skips + layer.skip.weight[:, :, 0] @ a + layer.skip.bias
            logits = w2 @ F.relu(w1 @ F.relu(skips * scale) + b1) + b2
            if temperature == 0:
                previous = logits.argmax()
            else:
                previous = torch.multinomial(F.softmax(logits / temperature, dim=0), 1, generator=generator)[0]
            out.append(int(previous))
        return out


def load(path):
    from safetensors import safe_open
    from safetensors.torch import load_file

    with safe_open(path, "pt") as f:
        description = json.loads(f.metadata()["wavenet"])
    mel_bands = description["frontEnd"]["frequencyAxis"]["mel"]["_0"]["count"]
    model = WaveNet(description["configuration"], mel_bands)
    # A training checkpoint also holds Adam's moments under "optimizer." (WaveNet.optimizerKeyPrefix): not weights.
    weights = {key: value for key, value in load_file(path).items() if not key.startswith("optimizer.")}
    model.load_state_dict(weights)
    return model.eval(), description


def main():
    path, samples, threads, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    model, description = load(path)
    hop = description["frontEnd"]["hopLength"]
    mel_bands = description["frontEnd"]["frequencyAxis"]["mel"]["_0"]["count"]
    g = torch.Generator().manual_seed(0)
    mel = torch.rand(1, mel_bands, samples // hop + 2, generator=g) * 6 - 8
    guide = (torch.rand(1, 1, samples, generator=g) - 0.5) * 0.5 if description["configuration"].get("guide") else None
    wall, cpu = [], []
    for _ in range(repeats + 1):
        start, start_cpu = time.perf_counter(), time.process_time()
        model.generate(mel, samples, torch.Generator().manual_seed(1), guide=guide)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(statistics.median(wall[1:]), statistics.median(cpu[1:]))


if __name__ == "__main__":
    main()
