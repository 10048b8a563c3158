"""Makes Tests/Fixtures/neuralcore/ops/ops.safetensors: PyTorch forward values and gradients for NeuralCore's op
parity tests. Pinned: torch==2.11.0, safetensors (Python package). Run: /work/venv/bin/python make_neuralcore_op_fixtures.py

Every case `name` stores its inputs (`name.x`, `name.w`, ...), a probe `name.probe` (the output gradient, i.e. the
loss is sum(y * probe)), the output `name.y` and the gradient of every input `name.grad.<input>`. References are
computed in float64 and stored as float32.
"""
import json
import pathlib

import safetensors
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

assert torch.__version__.startswith("2.11.0"), torch.__version__
torch.manual_seed(0)
out = {}


def case(name, fn, **inputs):
    inputs = {k: v.double().requires_grad_(True) for k, v in inputs.items()}
    y = fn(**inputs)
    probe = torch.rand(y.shape, dtype=torch.float64) + 0.5
    (y * probe).sum().backward()
    for k, v in inputs.items():
        out[f"{name}.{k}"] = v.detach().float()
        out[f"{name}.grad.{k}"] = v.grad.float()
    out[f"{name}.probe"] = probe.float()
    out[f"{name}.y"] = y.detach().float()


r = lambda *s: torch.randn(*s).float().double()
case("conv2d_groups", lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2),
     x=r(2, 4, 7, 6), w=r(6, 2, 3, 2), b=r(6))
case("conv2d_3x3", lambda x, w, b: F.conv2d(x, w, b, padding=1), x=r(1, 3, 8, 8), w=r(4, 3, 3, 3), b=r(4))
case("conv2d_strided", lambda x, w: F.conv2d(x, w, stride=2, padding=(0, 1)), x=r(1, 2, 9, 8), w=r(3, 2, 3, 3))
case("conv2d_3x1", lambda x, w, b: F.conv2d(x, w, b), x=r(1, 1, 9, 5), w=r(4, 1, 3, 1), b=r(4))
case("conv1d", lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1, dilation=2), x=r(2, 3, 10), w=r(4, 3, 3), b=r(4))
case("maxpool", lambda x: F.max_pool2d(x, (2, 3), (2, 2), (1, 1)), x=r(1, 2, 6, 7))
case("avgpool", lambda x: F.avg_pool2d(x, 3, 2, 1), x=r(1, 2, 6, 7))
case("adaptivepool", lambda x: F.adaptive_avg_pool2d(x, (3, 4)), x=r(1, 2, 7, 9))
case("layernorm", lambda x, w, b: F.layer_norm(x, [4], w, b), x=r(2, 3, 4), w=r(4), b=r(4))
out["bn_mean"], out["bn_var"] = torch.randn(3), torch.rand(3) + 0.5
case("batchnorm", lambda x, w, b: F.batch_norm(x, out["bn_mean"].double(), out["bn_var"].double(), w, b),
     x=r(2, 3, 4, 5), w=r(3), b=r(3))
mha = torch.nn.MultiheadAttention(8, 2, batch_first=True).double()
case("attention", lambda x, inw, inb, outw, outb: F.multi_head_attention_forward(
    x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1), 8, 2, inw, inb, None, None, False, 0.0, outw, outb,
    training=False, need_weights=False)[0].transpose(0, 1),
     x=r(2, 3, 8), inw=mha.in_proj_weight.detach(), inb=r(24), outw=mha.out_proj.weight.detach(), outb=r(8))
case("gelu", lambda x: F.gelu(x), x=3 * r(3, 5))
case("gelu_tanh", lambda x: F.gelu(x, approximate="tanh"), x=3 * r(3, 5))
case("softmax", lambda x: F.softmax(x, dim=1), x=3 * r(3, 5))
targets = torch.tensor([4, 0, 2])
case("cross_entropy", lambda x: F.cross_entropy(x, targets), x=3 * r(3, 5))
out["cross_entropy.targets"] = targets.float()
case("conv_transpose1d", lambda x, w, b: F.conv_transpose1d(x, w, b, stride=4, padding=2, output_padding=1),
     x=r(2, 3, 5), w=r(3, 2, 8), b=r(2))
case("conv_transpose1d_groups", lambda x, w: F.conv_transpose1d(x, w, stride=2, dilation=2, groups=2),
     x=r(1, 4, 6), w=r(4, 3, 3))
# Stride 1 with at least 16 channels per group: NeuralCore's one-product-per-tap kernel.
case("conv2d_shifted", lambda x, w, b: F.conv2d(x, w, b, padding=(1, 2), dilation=(2, 1)),
     x=r(1, 16, 7, 6), w=r(4, 16, 3, 3), b=r(4))
case("conv2d_shifted_groups", lambda x, w: F.conv2d(x, w, padding=1, groups=2), x=r(2, 32, 5, 6), w=r(6, 16, 3, 2))
case("gram", lambda x: x @ x.transpose(-1, -2) / x.shape[-1], x=r(2, 5, 7))
case("gram_distance", lambda x, s: (x @ x.T - s @ s.T).square().sum() / x.shape[1] ** 2, x=r(9, 4), s=r(9, 4))
# 3×3, stride 1, at least 16 channels each way: NeuralCore's Winograd F(2×2, 3×3) kernel (odd output sizes leave
# half tiles; padding 3 makes the input gradient crop). Appended last so the earlier cases keep their random inputs.
case("conv2d_winograd", lambda x, w, b: F.conv2d(x, w, b, padding=1), x=r(2, 16, 9, 11), w=r(16, 16, 3, 3), b=r(16))
case("conv2d_winograd_groups", lambda x, w: F.conv2d(x, w, padding=(3, 0), groups=2), x=r(1, 32, 6, 7),
     w=r(32, 16, 3, 3))
# A wide 1-D kernel over ≥ 32 channels: NeuralCore's overlap-save kernel (32-sample blocks of 22 outputs, the last
# block of the row partial). Appended last, as above.
case("conv1d_overlap_save", lambda x, w, b: F.conv1d(x, w, b, padding=5), x=r(1, 40, 300), w=r(48, 40, 11), b=r(48))
# The mean squared error (style transfer's content loss), over more than one 1024-scalar block. Appended last.
case("mse_loss", lambda x, t: F.mse_loss(x, t), x=r(3, 40, 20), t=r(3, 40, 20))

folder = pathlib.Path(__file__).parent / "neuralcore" / "ops"
folder.mkdir(parents=True, exist_ok=True)
save_file({k: v.contiguous() for k, v in out.items()}, str(folder / "ops.safetensors"))
(folder / "versions.json").write_text(json.dumps(
    {"torch": torch.__version__, "safetensors": safetensors.__version__}, indent=2) + "\n")
