"""Makes Tests/Fixtures/neuralcore/modules: safetensors files, two small PyTorch models, optimizer trajectories.

Run from the package root with the pinned versions:
    /work/venv/bin/python Tests/Fixtures/make_neuralcore_module_fixtures.py
Pinned: torch 2.11.0, safetensors 0.8.0 (checked below). Everything is float32 and seeded, so re-running
reproduces the files byte for byte on the same versions.
"""
import json
import math
import os

import safetensors
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

assert torch.__version__.startswith("2.11.0"), torch.__version__
assert safetensors.__version__ == "0.8.0", safetensors.__version__

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "neuralcore", "modules")
os.makedirs(OUT, exist_ok=True)
torch.set_num_threads(1)


def dump(name, obj):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, separators=(",", ":"))


def ramp(*shape, offset=0):
    """Exactly representable values (i - 7 + offset) / 8, so Swift can rebuild them bit for bit."""
    n = math.prod(shape)
    return ((torch.arange(n, dtype=torch.float32) - 7 + offset) / 8).reshape(shape)


# --- safetensors written by Python: our writer must produce the same bytes from the same data ---------------------
save_file(
    {"b.weight": ramp(4), "a": ramp(2, 3, offset=1), "conv.bias": ramp(3, 1, 2, offset=-2), "scalar": ramp(1).reshape(())},
    os.path.join(OUT, "python_written.safetensors"),
    metadata={"format": "pt"},
)

# --- dtypes converted on read: each low-precision tensor next to its exact float32 value ----------------------------
g = torch.Generator().manual_seed(3)
wide = torch.randn(5, 3, generator=g) * 100
half, bhalf = wide.to(torch.float16), wide.to(torch.bfloat16)
save_file(
    {"f16": half, "f16_as_f32": half.float(), "bf16": bhalf, "bf16_as_f32": bhalf.float(),
     "f64": wide.double(), "f64_as_f32": wide, "i64": torch.arange(-3, 3, dtype=torch.int64)},
    os.path.join(OUT, "dtypes.safetensors"),
)


# --- two small composite models: state-dict keys/shapes, weights and forward output --------------------------------
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(4, 6, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(6)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn1(self.conv1(x)))


class ImageModel(nn.Module):
    """Conv2d / BatchNorm2d / pooling / Linear / activations, torchvision-style key names."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, (3, 1), padding=(1, 0)), nn.LeakyReLU(0.2), nn.MaxPool2d(2))
        self.layer1 = nn.Sequential(Block())
        self.avgpool = nn.AdaptiveAvgPool2d((2, 3))
        self.classifier = nn.Sequential(nn.Linear(36, 10), nn.GELU(), nn.Dropout(0.5), nn.Linear(10, 3), nn.Sigmoid())

    def forward(self, x):
        x = self.avgpool(self.layer1(self.features(x)))
        return self.classifier(torch.flatten(x, 1))


class SequenceModel(nn.Module):
    """Causal Conv1d / ConvTranspose1d / LayerNorm / MultiheadAttention / Linear / Tanh."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(3, 8, 3, dilation=2)          # causal: left-pad (3-1)*2 = 4 frames
        self.upsample = nn.ConvTranspose1d(8, 8, 4, stride=2, padding=1)
        self.norm = nn.LayerNorm(8)
        self.attention = nn.MultiheadAttention(8, 2, batch_first=True)
        self.output = nn.Linear(8, 2)

    def forward(self, x):                                    # x: [N, 3, T] -> [N, 2T, 2]
        x = torch.tanh(self.conv(F.pad(x, (4, 0))))
        x = self.upsample(x).transpose(1, 2)
        x = self.norm(x)
        x = self.attention(x, x, x, need_weights=False)[0]
        return self.output(x)


def model_fixture(name, model, input_shape):
    torch.manual_seed(11)
    with torch.no_grad():  # non-trivial batch-norm statistics and affine parameters
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.3, 0.3)
                module.num_batches_tracked.fill_(7)
            if isinstance(module, nn.LayerNorm):
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.3, 0.3)
    model.eval()
    x = torch.randn(*input_shape)
    with torch.no_grad():
        y = model(x)
    state = model.state_dict()
    save_file({k: v.contiguous() for k, v in state.items()}, os.path.join(OUT, f"{name}.safetensors"))
    dump(f"{name}.json", {
        "keys": list(state.keys()),
        "shapes": [list(v.shape) for v in state.values()],
        "input_shape": list(x.shape), "input": x.flatten().tolist(),
        "output_shape": list(y.shape), "output": y.flatten().tolist(),
        "printed": str(model),
    })


torch.manual_seed(0)
model_fixture("image_model", ImageModel(), (2, 1, 10, 8))
torch.manual_seed(1)
model_fixture("sequence_model", SequenceModel(), (2, 3, 5))


# --- optimizer trajectories ----------------------------------------------------------------------------------------
def rosenbrock(p, a):
    """Sum over pairs (x, y) of (1 - x)^2 + a (y - x^2)^2; p has an even length."""
    x, y = p[0::2], p[1::2]
    return ((1 - x) ** 2 + a * (y - x * x) ** 2).sum()


START = [-1.2, 1.0, 0.5, -0.3, 1.5, 2.0]


def trajectory(make, steps, closure_steps, a):
    p = torch.tensor(START, dtype=torch.float32, requires_grad=True)
    opt = make([p])
    points, losses = [], []
    for _ in range(steps):
        def closure():
            opt.zero_grad()
            loss = rosenbrock(p, a)
            loss.backward()
            return loss
        if closure_steps:
            losses.append(opt.step(closure).item())
        else:
            losses.append(closure().item())
            opt.step()
        points.append(p.detach().tolist())
    counts = {}
    if closure_steps:  # L-BFGS: closure evaluations and iterations over all steps
        counts = {k: opt.state[p][k] for k in ("func_evals", "n_iter")}
    return {"points": points, "losses": losses, "a": a, **counts}


optim = torch.optim
# Rosenbrock is ill-conditioned: float32 rounding differences (e.g. the order of a dot product's sum) grow along
# the trajectory. With a = 100, PyTorch's own float32 and float64 L-BFGS + strong-Wolfe runs differ by 8e-5 after two
# steps; with a = 10 by 4e-6 after two steps and 3e-5 after three. The strong-Wolfe case therefore uses a = 10 and
# two steps of 10 iterations (it still brackets and zooms); the others use a = 100.
cases = {
    "sgd_plain": (lambda ps: optim.SGD(ps, lr=1e-4), 30, False, 100),
    "sgd_momentum": (lambda ps: optim.SGD(ps, lr=1e-4, momentum=0.9, dampening=0.1, weight_decay=0.01), 30, False, 100),
    "sgd_nesterov": (lambda ps: optim.SGD(ps, lr=1e-4, momentum=0.9, nesterov=True, weight_decay=0.01), 30, False, 100),
    "adam": (lambda ps: optim.Adam(ps, lr=0.01), 40, False, 100),
    "adam_weight_decay_amsgrad": (lambda ps: optim.Adam(ps, lr=0.02, betas=(0.8, 0.99), eps=1e-6,
                                                        weight_decay=0.1, amsgrad=True), 40, False, 100),
    "lbfgs": (lambda ps: optim.LBFGS(ps, lr=0.05, max_iter=5, history_size=4), 6, True, 100),
    "lbfgs_strong_wolfe": (lambda ps: optim.LBFGS(ps, lr=1, max_iter=10, history_size=5,
                                                  line_search_fn="strong_wolfe"), 2, True, 10),
}
dump("optimizers.json", {
    "start": START,
    "cases": {name: trajectory(*case) for name, case in cases.items()},
})

versions = {"torch": torch.__version__, "safetensors": safetensors.__version__}
dump("versions.json", versions)
print("wrote", sorted(os.listdir(OUT)), versions)
