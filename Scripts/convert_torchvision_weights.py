"""Converts a torchvision checkpoint (.pth) of VGG19, ResNet50 or ViT-B/16 to a safetensors file that the Swift
backbones load with full verification (`VGG19(weightsAt:)`, `ResNet50(weightsAt:)`, `VisionTransformer(weightsAt:)`).

Runs on your machine, with your PyTorch; nothing is downloaded. Typical checkpoints are the files torchvision caches
in ~/.cache/torch/hub/checkpoints/ (vgg19-dcbb9e9d.pth, resnet50-0676ba61.pth or resnet50-11ad3fa6.pth,
vit_b_16-c867db91.pth), or any `torch.save(model.state_dict(), path)` of these architectures (fine-tuned too, as
long as the classifier keeps 1000 classes).

    python Scripts/convert_torchvision_weights.py vgg19-dcbb9e9d.pth vgg19.safetensors --model vgg19

The state dict is first loaded into the torchvision architecture with `strict=True` (so a file for another model or
with missing keys fails here, with PyTorch's message), then written as contiguous float32 under the same keys.
See Docs/WeightConversion.md.
"""
import argparse
import sys

import torch
from safetensors.torch import save_file
from torchvision.models import resnet50, vgg19, vit_b_16

ARCHITECTURES = {"vgg19": vgg19, "resnet50": resnet50, "vit_b_16": vit_b_16}


def state_dict_from(path):
    """The tensor dictionary in a .pth file: a plain state dict, or one nested under 'state_dict' / 'model'."""
    loaded = torch.load(path, map_location="cpu", weights_only=True)
    for key in ("state_dict", "model"):
        if isinstance(loaded, dict) and isinstance(loaded.get(key), dict):
            loaded = loaded[key]
    if not isinstance(loaded, dict) or not all(isinstance(v, torch.Tensor) for v in loaded.values()):
        sys.exit(f"error: {path} does not hold a state dict of tensors")
    # Checkpoints saved from nn.DataParallel prefix every key with 'module.'.
    if all(k.startswith("module.") for k in loaded):
        loaded = {k[len("module."):]: v for k, v in loaded.items()}
    return loaded


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint", help="the .pth file")
    parser.add_argument("output", help="the .safetensors file to write")
    parser.add_argument("--model", required=True, choices=sorted(ARCHITECTURES), help="the architecture to verify against")
    args = parser.parse_args()
    state = state_dict_from(args.checkpoint)
    model = ARCHITECTURES[args.model]()
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as error:
        sys.exit(f"error: {args.checkpoint} is not a torchvision {args.model} state dict: {error}")
    tensors = {k: (v.float() if v.is_floating_point() else v).contiguous() for k, v in model.state_dict().items()}
    save_file(tensors, args.output, metadata={"format": "pt", "architecture": args.model})
    print(f"wrote {args.output}: {len(tensors)} tensors, "
          f"{sum(v.numel() for v in tensors.values() if v.is_floating_point()) / 1e6:.1f} M float32 values")


if __name__ == "__main__":
    main()
