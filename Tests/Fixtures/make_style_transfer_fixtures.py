"""Makes Tests/Fixtures/style_transfer/losses.safetensors: the Gatys losses of StyleLosses computed by PyTorch.

Pinned: torch==2.11.0, safetensors. Run from the package root: /work/venv/bin/python Tests/Fixtures/make_style_transfer_fixtures.py

Activations `features` [N=8, M=50] (a layer's channels × positions), `content` [8, 50], `style` [8, 70] (a style clip
of another length) and a spectrogram `spectrogram` [12, 20]; references computed in float64, stored as float32:
- `gram` = F·Fᵀ / M, `style_gram` = S·Sᵀ / M_s;
- `style_loss` = 1/(4N²)·Σ(gram − style_gram)² and its gradient `style_loss.grad.features`;
- `gatys_loss` = 1/(4N²M²)·Σ(F·Fᵀ − S'·S'ᵀ)² with `style_equal` [8, 50] (S' of the content's length), which equals
  the style loss of `gram` against S'·S'ᵀ/M (`gatys_loss` is checked against the Swift style loss with that target);
- `content_loss` = mean((F − P)²) and `content_loss.grad.features`;
- `total_variation` = mean((X[:, 1:] − X[:, :−1])²) + mean((X[1:] − X[:−1])²) and `total_variation.grad.spectrogram`;
- the Gram over time of the study's network: `time.activation` [1, C=4, H=10, W=12] and `time.style` [1, 4, 10, 9]
  reshaped to [C·H, frames] (the random-CNN voice-transfer work's `gram_over_time_axis`), explicit 40×40 Gram
  matrices G = A·Aᵀ / frames, `time.style_loss` = 1/(4·(C·H)²)·Σ(G_x − G_s)² and `time.style_loss.grad.activation`;
  `time.study_loss`, that work's own normalisation 1/(4·C²·H·W)·Σ(A·Aᵀ − S'·S'ᵀ)² against `time.style_equal`
  [1, 4, 10, 12] (S' of the activation's length).
"""
import json
import pathlib

import torch
from safetensors.torch import save_file

assert torch.__version__.startswith("2.11.0"), torch.__version__
torch.manual_seed(0)
F = torch.randn(8, 50, dtype=torch.float64).abs().requires_grad_(True)  # post-ReLU-like activations
P = torch.randn(8, 50, dtype=torch.float64).abs()
S = torch.randn(8, 70, dtype=torch.float64).abs()
S_equal = torch.randn(8, 50, dtype=torch.float64).abs()
X = torch.randn(12, 20, dtype=torch.float64).requires_grad_(True)
N, M = F.shape

out = {"features": F, "content": P, "style": S, "style_equal": S_equal, "spectrogram": X}
gram = F @ F.T / M
style_gram = S @ S.T / S.shape[1]
style_loss = ((gram - style_gram) ** 2).sum() / (4 * N**2)
(grad_style,) = torch.autograd.grad(style_loss, F)
gatys = ((F @ F.T - S_equal @ S_equal.T) ** 2).sum() / (4 * N**2 * M**2)
content = ((F - P) ** 2).mean()
(grad_content,) = torch.autograd.grad(content, F)
tv = ((X[:, 1:] - X[:, :-1]) ** 2).mean() + ((X[1:] - X[:-1]) ** 2).mean()
(grad_tv,) = torch.autograd.grad(tv, X)
out.update({
    "gram": gram, "style_gram": style_gram, "style_loss": style_loss.reshape(1),
    "style_loss.grad.features": grad_style, "gatys_loss": gatys.reshape(1), "content_loss": content.reshape(1),
    "content_loss.grad.features": grad_content, "total_variation": tv.reshape(1),
    "total_variation.grad.spectrogram": grad_tv,
})
A = (torch.randn(1, 4, 10, 12, dtype=torch.float64) * 0.5).relu().requires_grad_(True)
S_time = (torch.randn(1, 4, 10, 9, dtype=torch.float64) * 0.5 + 0.1).relu()
S_time_equal = (torch.randn(1, 4, 10, 12, dtype=torch.float64) * 0.5 + 0.1).relu()
C_, H_, W_ = A.shape[1], A.shape[2], A.shape[3]


def over_time(a):
    return a.reshape(a.shape[1] * a.shape[2], a.shape[3])


G_x = over_time(A) @ over_time(A).T / W_
G_s = over_time(S_time) @ over_time(S_time).T / S_time.shape[3]
time_loss = ((G_x - G_s) ** 2).sum() / (4 * (C_ * H_) ** 2)
(grad_time,) = torch.autograd.grad(time_loss, A)
study = ((over_time(A) @ over_time(A).T - over_time(S_time_equal) @ over_time(S_time_equal).T) ** 2).sum() \
    / (4 * C_**2 * H_ * W_)
out.update({
    "time.activation": A, "time.style": S_time, "time.style_equal": S_time_equal,
    "time.style_loss": time_loss.reshape(1), "time.style_loss.grad.activation": grad_time,
    "time.study_loss": study.reshape(1),
})
folder = pathlib.Path(__file__).resolve().parent / "style_transfer"
folder.mkdir(exist_ok=True)
save_file({k: v.detach().float().contiguous() for k, v in out.items()}, str(folder / "losses.safetensors"))
(folder / "versions.json").write_text(json.dumps({"torch": torch.__version__}, indent=1) + "\n")
print(f"wrote {len(out)} tensors to {folder}")
