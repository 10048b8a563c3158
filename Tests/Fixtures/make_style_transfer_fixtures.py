"""Makes Tests/Fixtures/style_transfer/losses.safetensors: the Gatys losses of StyleLosses computed by PyTorch.

Pinned: torch==2.11.0, safetensors. Run from the package root: /work/venv/bin/python Tests/Fixtures/make_style_transfer_fixtures.py

Activations `features` [N=8, M=50] (a layer's channels × positions), `content` [8, 50], `style` [8, 70] (a style clip
of another length) and a spectrogram `spectrogram` [12, 20]; references computed in float64, stored as float32:
- `gram` = F·Fᵀ / M, `style_gram` = S·Sᵀ / M_s;
- `style_loss` = 1/(4N²)·Σ(gram − style_gram)² and its gradient `style_loss.grad.features`;
- `gatys_loss` = 1/(4N²M²)·Σ(F·Fᵀ − S'·S'ᵀ)² with `style_equal` [8, 50] (S' of the content's length), which equals
  the style loss of `gram` against S'·S'ᵀ/M (`gatys_loss` is checked against the Swift style loss with that target);
- `content_loss` = mean((F − P)²) and `content_loss.grad.features`;
- `total_variation` = mean((X[:, 1:] − X[:, :−1])²) + mean((X[1:] − X[:−1])²) and `total_variation.grad.spectrogram`.
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
folder = pathlib.Path(__file__).resolve().parent / "style_transfer"
folder.mkdir(exist_ok=True)
save_file({k: v.detach().float().contiguous() for k, v in out.items()}, str(folder / "losses.safetensors"))
(folder / "versions.json").write_text(json.dumps({"torch": torch.__version__}, indent=1) + "\n")
print(f"wrote {len(out)} tensors to {folder}")
