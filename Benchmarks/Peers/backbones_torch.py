"""PyTorch peer for BackbonesBenchmarks: forward + backward-to-input of one torchvision backbone on a 128×432
spectrogram, the same work as the Swift worker (see Sources/BackbonesBenchmarks/main.swift).

Usage: python backbones_torch.py MODEL THREADS REPEATS → one line `seconds s1 s2 … maxrss_kb N` (one warm-up run
first, not reported). MODEL: vgg19, resnet50, vit_b_16. Pinned: torch 2.11.0, torchvision 0.26.0 (CPU). Random
torchvision weights (nothing downloaded); the timing does not depend on the values.

Loss: the spectrogram (dB in [-80, 0]) → [0, 1] → three channels → ImageNet normalisation → the style layers'
features → Σ_layers mean((F·Fᵀ / positions)²), with F the [channels, positions] style matrix (patch tokens for ViT).
"""
import os
import resource
import sys
import time

import torch
from torchvision.models import resnet50, vgg19, vit_b_16

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Scripts"))
import backbone_reference as ref  # noqa: E402

STYLE_LAYERS = {
    "vgg19": (vgg19, ref.vgg19_features, ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"]),
    "resnet50": (resnet50, ref.resnet50_features, ["stem", "layer1", "layer2", "layer3", "layer4"]),
    "vit_b_16": (vit_b_16, ref.vit_features, ["block_3", "block_6", "block_9", "block_12"]),
}
MEAN = torch.tensor([0.485, 0.456, 0.406]).reshape(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).reshape(1, 3, 1, 1)


def style_matrix(feature):
    if feature.dim() == 3:  # ViT tokens [1, 1 + T, E]: patch tokens only
        return feature[0, 1:].T
    return feature.reshape(feature.shape[1], -1)


def main():
    name, threads, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    make, features, layers = STYLE_LAYERS[name]
    model = make().eval()
    for p in model.parameters():
        p.requires_grad_(False)
    spectrogram = torch.rand(128, 432, generator=torch.Generator().manual_seed(1)) * 80 - 80

    def step():
        s = spectrogram.clone().requires_grad_(True)
        x = (((s + 80) / 80).reshape(1, 1, 128, 432).expand(1, 3, 128, 432) - MEAN) / STD
        out = features(model, x, layers)
        loss = 0
        for layer in layers:
            f = style_matrix(out[layer])
            loss = loss + (f @ f.T / f.shape[1]).square().mean()
        loss.backward()
        return s.grad

    step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("seconds " + " ".join(f"{t:.6f}" for t in times) + f" maxrss_kb {rss}")


if __name__ == "__main__":
    main()
