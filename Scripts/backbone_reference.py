"""PyTorch reference forward passes of the Swift backbones, with the same capturable layer names.

Used by Tests/Fixtures/make_backbone_fixtures.py, Scripts/export_random_torchvision_weights.py and
Benchmarks/Peers/backbones_torch.py, so all three compute exactly what the Swift `features(of:layers:)` computes:

- VGG19 (torchvision `vgg19().features`): conv1_1, relu1_1, conv1_2, relu1_2, pool1, …, conv5_4, relu5_4, pool5.
- ResNet50 (torchvision `resnet50()`): stem (conv1, bn1, relu, maxpool), then each bottleneck `layerS.B`, with `layerS`
  (the stage output, equal to its last block) after the stage's last block.
- ViT-B/16 (torchvision `vit_b_16()`): block_1 … block_12, the token features [N, 1 + tokens, E] after each encoder
  block (before the final LayerNorm); the position embeddings are resized to the input's patch grid as timm's
  `resample_abs_pos_embed` does (`F.interpolate(mode="bicubic", align_corners=False, antialias=True)`).
"""
import torch
import torch.nn.functional as F

VGG19_STAGES = [2, 2, 4, 4, 4]


def vgg19_layer_names():
    names = []
    for stage, convs in enumerate(VGG19_STAGES, start=1):
        for i in range(1, convs + 1):
            names += [f"conv{stage}_{i}", f"relu{stage}_{i}"]
        names.append(f"pool{stage}")
    return names


def resnet50_layer_names(blocks=(3, 4, 6, 3)):
    names = ["stem"]
    for stage, count in enumerate(blocks, start=1):
        names += [f"layer{stage}.{b}" for b in range(count)] + [f"layer{stage}"]
    return names


def vit_layer_names(count=12):
    return [f"block_{i}" for i in range(1, count + 1)]


def vgg19_features(model, x, layers):
    """Runs torchvision's VGG `features` module by module, capturing the named outputs."""
    names, out, last = vgg19_layer_names(), {}, max(vgg19_layer_names().index(l) for l in layers)
    for index, module in enumerate(model.features):
        x = module(x) if not isinstance(module, torch.nn.ReLU) else F.relu(x)  # not in place: conv outputs are kept
        if names[index] in layers:
            out[names[index]] = x
        if index == last:
            break
    return out


def resnet50_features(model, x, layers):
    names, out = resnet50_layer_names(), {}
    last = max(names.index(l) for l in layers)
    x = model.maxpool(model.relu(model.bn1(model.conv1(x))))
    position = 0
    if "stem" in layers:
        out["stem"] = x
    for stage in range(1, 5):
        for b, block in enumerate(getattr(model, f"layer{stage}")):
            if position >= last:
                return out
            x = block(x)
            position += 1
            if f"layer{stage}.{b}" in layers:
                out[f"layer{stage}.{b}"] = x
        position += 1
        if f"layer{stage}" in layers:
            out[f"layer{stage}"] = x
    return out


def resized_position_embedding(pos_embedding, grid, antialias=True):
    """timm's resample_abs_pos_embed: the class token's embedding is kept, the square grid is resized bicubically."""
    cls, patches = pos_embedding[:, :1], pos_embedding[:, 1:]
    old = int(round(patches.shape[1] ** 0.5))
    if (old, old) == tuple(grid):
        return pos_embedding
    e = patches.shape[2]
    patches = patches.reshape(1, old, old, e).permute(0, 3, 1, 2)
    patches = F.interpolate(patches, size=tuple(grid), mode="bicubic", align_corners=False, antialias=antialias)
    return torch.cat([cls, patches.permute(0, 2, 3, 1).reshape(1, grid[0] * grid[1], e)], dim=1)


def vit_tokens(model, x, antialias=True):
    """Patch embedding + class token + resized position embedding: the encoder's input [N, 1 + tokens, E]."""
    n, p = x.shape[0], model.patch_size
    grid = (x.shape[2] // p, x.shape[3] // p)
    tokens = model.conv_proj(x).reshape(n, model.hidden_dim, grid[0] * grid[1]).permute(0, 2, 1)
    tokens = torch.cat([model.class_token.expand(n, -1, -1), tokens], dim=1)
    return tokens + resized_position_embedding(model.encoder.pos_embedding, grid, antialias)


def vit_features(model, x, layers, antialias=True):
    names, out = vit_layer_names(len(model.encoder.layers)), {}
    last = max(names.index(l) for l in layers)
    x = vit_tokens(model, x, antialias)
    for index, block in enumerate(model.encoder.layers):
        x = block(x)
        if names[index] in layers:
            out[names[index]] = x
        if index == last:
            break
    return out
