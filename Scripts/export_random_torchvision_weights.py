"""Exports seeded random torchvision VGG19, ResNet50 and ViT-B/16 weights plus PyTorch reference activations, for the
full-model parity test (Tests/BackbonesTests/FullModelParityTests.swift). Nothing is downloaded.

    /work/venv/bin/python Scripts/export_random_torchvision_weights.py --out /work/weights [--models vgg19,resnet50]
    BACKBONES_FULL_WEIGHTS_DIR=/work/weights swift test --filter FullModelParity

For each model M it writes (about 550 MB for VGG19, 100 MB for ResNet50 and 330 MB for ViT-B/16, plus the
references; do not commit them):
- M.safetensors: `M().state_dict()` after torchvision's own seeded initialisation, with batch-norm statistics, the
  class token and the ViT head made non-trivial (fresh ones are 0/1/zero); `num_batches_tracked` is kept, as in real
  checkpoints.
- M_reference.safetensors: `spectrogram` [128, 432] (dB values in [-80, 0]), `input` [1, 3, 128, 432] (scaled to
  [0, 1] over -80…0, replicated to three channels, ImageNet-normalised: the Swift `.image(.imageNet)` mapping),
  `output.<layer>` for every capturable layer, `cotangent` for the last layer and `spectrogram_gradient` =
  d(Σ last·cotangent)/d spectrogram, computed in float32 and (`spectrogram_gradient_float64`, stored as float32) in
  float64: max pooling moves a whole gradient entry wherever float32 rounding flips a near-tie, so the float64
  gradient is the reference and the float32 one shows PyTorch's own spread.
"""
import argparse
import json
import os
import sys

import torch
import torchvision
from safetensors.torch import save_file
from torchvision.models import resnet50, vgg19, vit_b_16

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import backbone_reference as ref  # noqa: E402

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]

MODELS = {
    "vgg19": (vgg19, ref.vgg19_layer_names(), ref.vgg19_features),
    "resnet50": (resnet50, ref.resnet50_layer_names(), ref.resnet50_features),
    "vit_b_16": (vit_b_16, ref.vit_layer_names(), ref.vit_features),
}


def spectrogram(generator, bins=128, frames=432):
    """A smooth, spectrogram-like dB image: low-passed noise plus harmonic ridges, clipped to [-80, 0]."""
    noise = torch.randn(1, 1, bins, frames, generator=generator)
    smooth = torch.nn.functional.avg_pool2d(noise, 5, stride=1, padding=2, count_include_pad=False)[0, 0] * 20 - 50
    ridges = torch.zeros(bins, frames)
    for harmonic in range(1, 8):
        ridges[min(bins - 1, 6 * harmonic), :] = 40 / harmonic
    return (smooth + ridges).clamp(-80, 0)


def image_input(s):
    unit = (s + 80) / 80
    mean = torch.tensor(MEAN, dtype=s.dtype).reshape(1, 3, 1, 1)
    std = torch.tensor(STD, dtype=s.dtype).reshape(1, 3, 1, 1)
    return (unit.reshape(1, 1, *s.shape).expand(1, 3, *s.shape) - mean) / std


def nontrivial(model, generator):
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.copy_(0.1 * torch.randn(module.running_mean.shape, generator=generator))
                module.running_var.copy_(0.5 + torch.rand(module.running_var.shape, generator=generator))
                module.weight.copy_(0.5 + torch.rand(module.weight.shape, generator=generator))
                module.bias.copy_(0.1 * torch.randn(module.bias.shape, generator=generator))
        if hasattr(model, "class_token"):
            model.class_token.copy_(0.02 * torch.randn(model.class_token.shape, generator=generator))
            model.heads.head.weight.copy_(0.02 * torch.randn(model.heads.head.weight.shape, generator=generator))


def export(name, out, seed, threads):
    make, layers, features = MODELS[name]
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = make().eval()
    nontrivial(model, generator)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, os.path.join(out, f"{name}.safetensors"))
    torch.set_num_threads(threads)
    s = spectrogram(generator).requires_grad_(True)
    x = image_input(s)
    outputs = features(model, x, layers)
    last = outputs[layers[-1]]
    cotangent = torch.randn(last.shape, generator=generator)
    (last * cotangent).sum().backward()
    # Max pooling makes the input gradient ill-conditioned: where two window entries differ by float32 rounding,
    # either may win, and the whole upstream gradient moves to the other position. A float64 run is the reference.
    s64 = s.detach().double().requires_grad_(True)
    last64 = features(model.double(), image_input(s64), layers)[layers[-1]]
    (last64 * cotangent.double()).sum().backward()
    tensors = {"spectrogram": s.detach(), "input": x.detach().contiguous(), "cotangent": cotangent,
               "spectrogram_gradient": s.grad, "spectrogram_gradient_float64": s64.grad.float()}
    tensors.update({f"output.{k}": v.detach().clone().contiguous() for k, v in outputs.items()})
    save_file(tensors, os.path.join(out, f"{name}_reference.safetensors"))
    print(f"{name}: {len(model.state_dict())} tensors, {len(outputs)} captured layers")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="folder for the weight and reference files")
    parser.add_argument("--models", default="vgg19,resnet50,vit_b_16", help="comma-separated subset of " + ",".join(MODELS))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name in args.models.split(","):
        export(name, args.out, args.seed, args.threads)
    with open(os.path.join(args.out, "versions.json"), "w") as f:
        json.dump({"torch": torch.__version__, "torchvision": torchvision.__version__, "seed": args.seed}, f)


if __name__ == "__main__":
    main()
