"""Makes Tests/Fixtures/backbones: torchvision key/shape manifests and small PyTorch parity cases for the backbones.

Run from the package root with the pinned versions (checked below):
    /work/venv/bin/python Tests/Fixtures/make_backbone_fixtures.py
Everything is float32 and seeded; re-running reproduces the files on the same versions (see versions.json).

Files:
- manifest_{vgg19,resnet50,vit_b_16}.json: [[key, shape], …] of torchvision's `state_dict()`, in order.
- Each parity case is one safetensors file holding the module's weights under their torchvision keys plus
  `input`, `output.<layer>` for each captured layer, `cotangent` and `input_gradient` = d(Σ output·cotangent)/d input
  (the cotangent multiplies the case's last captured layer).
  - vgg_block: torchvision vgg19 features.0–4 (conv1_1 … pool1) on [1, 3, 32, 32] (the smallest input VGG19 accepts).
  - resnet_bottleneck: torchvision Bottleneck(64, 32, stride 2, downsample) on [1, 64, 9, 11]; output `output.block`.
  - vit_small_<h>x<w>: a torchvision VisionTransformer(224, patch 16, 1 layer, 4 heads, width 64, mlp 256, 10 classes):
    the patch embedding with resized positions (`output.tokens`) and block_1, on inputs 64×112 (grid 4×7: both axes
    shrink) and 32×240 (grid 2×15: height shrinks, width grows).
  - position_embedding: a random 14×14 grid of 8 channels resized to 3×21 and 9×20 by F.interpolate bicubic with and
    without antialiasing.
  - random_cnn: the study's Conv2d(1, 8, (3, 1)) + LeakyReLU(0.2) on [1, 1, 12, 10] (conv1, relu1).
"""
import json
import os
import sys

import safetensors
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from safetensors.torch import save_file
from torchvision.models import resnet50, vgg19, vit_b_16
from torchvision.models.resnet import Bottleneck
from torchvision.models.vision_transformer import VisionTransformer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Scripts"))
import backbone_reference as ref  # noqa: E402

assert torch.__version__.startswith("2.11.0"), torch.__version__
assert torchvision.__version__.startswith("0.26.0"), torchvision.__version__
assert safetensors.__version__ == "0.8.0", safetensors.__version__

OUT = os.path.join(HERE, "backbones")
os.makedirs(OUT, exist_ok=True)
torch.set_num_threads(1)
torch.manual_seed(0)


def randomize(module, generator):
    """Non-trivial values everywhere: normalisation scales in [0.5, 1.5), batch-norm statistics that are not 0 and 1,
    other tensors normal with standard deviation 1/√fan-in."""
    with torch.no_grad():
        for sub in module.modules():
            norm = isinstance(sub, (nn.BatchNorm2d, nn.LayerNorm))
            for name, tensor in list(sub.named_parameters(recurse=False)) + list(sub.named_buffers(recurse=False)):
                if name == "num_batches_tracked":
                    continue
                if norm and name in ("weight", "running_var"):
                    tensor.copy_(0.5 + torch.rand(tensor.shape, generator=generator))
                elif norm:
                    tensor.copy_(0.1 * torch.randn(tensor.shape, generator=generator))
                else:
                    fan_in = tensor[0].numel() if tensor.dim() > 1 else 16
                    tensor.copy_(torch.randn(tensor.shape, generator=generator) / fan_in ** 0.5)


def case(name, module, x, capture, prefix=""):
    """Saves weights (keys prefixed), the input, every captured output and the input gradient of Σ last·cotangent."""
    x = x.clone().requires_grad_(True)
    outputs = capture(x)
    last = list(outputs.values())[-1]
    cotangent = torch.randn(last.shape, generator=torch.Generator().manual_seed(99))
    (last * cotangent).sum().backward()
    tensors = {prefix + k: v.detach().clone().contiguous() for k, v in module.state_dict().items()
               if not k.endswith("num_batches_tracked")}
    tensors.update({"input": x.detach(), "cotangent": cotangent, "input_gradient": x.grad})
    tensors.update({f"output.{k}": v.detach().clone().contiguous() for k, v in outputs.items()})
    save_file(tensors, os.path.join(OUT, f"{name}.safetensors"))


def manifest(name, model):
    entries = [[k, list(v.shape)] for k, v in model.state_dict().items()]
    with open(os.path.join(OUT, f"manifest_{name}.json"), "w") as f:
        json.dump(entries, f, indent=0)


# --- manifests --------------------------------------------------------------------------------------------------------
for name, make in [("vgg19", vgg19), ("resnet50", resnet50), ("vit_b_16", vit_b_16)]:
    manifest(name, make())

g = torch.Generator().manual_seed(1)

# --- one VGG block: features.0 … features.4 of the real VGG19 ---------------------------------------------------------
vgg = vgg19().eval()
block = nn.Sequential(*list(vgg.features.children())[:5])
randomize(block, g)
x = torch.randn(1, 3, 32, 32, generator=g)
case("vgg_block", block, x, lambda x: ref.vgg19_features(vgg, x, ["conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1"]),
     prefix="features.")

# --- one ResNet bottleneck with a strided downsample -------------------------------------------------------------------
down = nn.Sequential(nn.Conv2d(64, 128, 1, stride=2, bias=False), nn.BatchNorm2d(128))
bottleneck = Bottleneck(64, 32, stride=2, downsample=down).eval()
randomize(bottleneck, g)
x = torch.randn(1, 64, 9, 11, generator=g)
case("resnet_bottleneck", bottleneck, x, lambda x: {"block": bottleneck(x)})

# --- a one-block ViT: patch embedding with resized positions, and an encoder block ------------------------------------
vit = VisionTransformer(image_size=224, patch_size=16, num_layers=1, num_heads=4, hidden_dim=64, mlp_dim=256,
                        num_classes=10).eval()
randomize(vit, g)
with torch.no_grad():
    vit.class_token.copy_(torch.randn(vit.class_token.shape, generator=g))
    vit.encoder.pos_embedding.copy_(torch.randn(vit.encoder.pos_embedding.shape, generator=g) * 0.5)
for h, w in [(64, 112), (32, 240)]:
    x = torch.randn(1, 3, h, w, generator=g)
    case(f"vit_small_{h}x{w}", vit, x,
         lambda x: {"tokens": ref.vit_tokens(vit, x), **ref.vit_features(vit, x, ["block_1"])})

# --- position-embedding resizing alone: F.interpolate bicubic, with and without antialiasing ---------------------------
grid = torch.randn(1, 8, 14, 14, generator=g)
resized = {"grid": grid}
for h, w in [(3, 21), (9, 20)]:
    for antialias in (True, False):
        resized[f"{h}x{w}.{'antialiased' if antialias else 'plain'}"] = F.interpolate(
            grid, size=(h, w), mode="bicubic", align_corners=False, antialias=antialias).contiguous()
save_file(resized, os.path.join(OUT, "position_embedding.safetensors"))


# --- the study's random CNN --------------------------------------------------------------------------------------------
class StudyCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, kernel_size=(3, 1), stride=1, padding=0)

    def forward(self, x):
        c = self.conv1(x)
        return {"conv1": c, "relu1": F.leaky_relu(c, 0.2)}


cnn = StudyCNN()
with torch.no_grad():
    cnn.conv1.weight.copy_(torch.randn(cnn.conv1.weight.shape, generator=g))
    cnn.conv1.bias.zero_()
case("random_cnn", cnn, torch.randn(1, 1, 12, 10, generator=g), cnn)

with open(os.path.join(OUT, "versions.json"), "w") as f:
    json.dump({"torch": torch.__version__, "torchvision": torchvision.__version__,
               "safetensors": safetensors.__version__, "python": sys.version.split()[0]}, f, indent=1)
print("wrote", sorted(os.listdir(OUT)))
