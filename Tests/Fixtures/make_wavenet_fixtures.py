"""Makes the WaveNet parity fixtures in Tests/Fixtures/wavenet/ with PyTorch (the reference).

Run from the repository root with the project venv:  /work/venv/bin/python Tests/Fixtures/make_wavenet_fixtures.py
Pinned: torch 2.11.0, numpy 2.4.6, safetensors 0.8.0 (checked below and written to wavenet/versions.json).

The PyTorch model is the twin in Benchmarks/Peers/wavenet_torch.py (same architecture and state-dict keys as
Vocoders.WaveNet). A tiny configuration (8 kHz, 8 mel bands, hop 16, 4 layers in 2 stacks, kernel 3) is initialised
by PyTorch from seed 0, written as a checkpoint the Swift loader reads (safetensors + the "wavenet" description),
and run on a seeded random mel and random previous classes:

    tiny.safetensors        the checkpoint (its "wavenet" metadata is the JSON of WaveNet.CheckpointDescription)
    mel.npy                 [1, 8, 20] conditioning mel
    previous.npy            [1, 1, 300] input values 2i/mu - 1 of random classes i
    conditioning.npy        [1, 4, 320] model.conditioning(mel)
    logits.npy              [1, 256, 300] model(conditioning[:, :, :300], previous)

and the same for a guided model (WaveNet.Guide, kernel 5), initialised from seed 2 on the same mel:

    guided.safetensors          the checkpoint
    guided_guide.npy            [1, 1, 100] a random guide waveform
    guided_previous.npy         [1, 2, 100] input values of random classes, and the guide
    guided_conditioning.npy     [1, 4, 100] model.conditioning(mel, guide, 100): the upsampled mel plus the guide's
                                centred convolution (zeros beyond the waveform)
    guided_logits.npy           [1, 256, 100] model(guided_conditioning, guided_previous)
"""
import json
import os
import sys

import numpy as np
import safetensors
import torch
from safetensors.torch import save_file

PINNED = {"torch": "2.11.0", "numpy": "2.4.6", "safetensors": "0.8.0"}
FOUND = {"torch": torch.__version__.split("+")[0], "numpy": np.__version__, "safetensors": safetensors.__version__}
assert FOUND == PINNED, f"fixtures are pinned to {PINNED}, found {FOUND}"

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(ROOT, "wavenet")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(ROOT)), "Benchmarks", "Peers"))
from wavenet_torch import WaveNet  # noqa: E402

os.makedirs(OUT, exist_ok=True)
configuration = {"layerCount": 4, "stackCount": 2, "kernelSize": 3, "residualChannels": 8, "gateChannels": 16,
                 "skipChannels": 16, "conditionChannels": 4, "upsampleFactors": [4, 4], "mu": 255}
front_end = {"sampleRate": 8000, "fftSize": 256, "hopLength": 16, "windowLength": 256, "window": "hann",
             "center": True, "padMode": "constant", "magnitudePower": 1,
             "frequencyAxis": {"mel": {"_0": {"count": 8, "minimumFrequency": 0, "maximumFrequency": 4000,
                                              "scale": "slaney", "normalization": "slaney"}}},
             "valueScale": {"logClamp": {"minimum": 1e-05}}}

torch.manual_seed(0)
model = WaveNet(configuration, 8).eval()
state = {key: value.contiguous() for key, value in model.state_dict().items()}
save_file(state, os.path.join(OUT, "tiny.safetensors"),
          metadata={"wavenet": json.dumps({"configuration": configuration, "frontEnd": front_end})})

g = torch.Generator().manual_seed(1)
mel = torch.rand(1, 8, 20, generator=g) * 6 - 8
classes = torch.randint(0, 256, (1, 1, 300), generator=g)
previous = model.input_value(classes)
with torch.no_grad():
    conditioning = model.conditioning(mel)
    logits = model(conditioning[:, :, :300], previous)
for name, array in [("mel", mel), ("previous", previous), ("conditioning", conditioning), ("logits", logits)]:
    np.save(os.path.join(OUT, f"{name}.npy"), np.ascontiguousarray(array.numpy(), dtype=np.float32))
guided_configuration = dict(configuration, guide={"kernelSize": 5, "iterations": 4, "seed": 0, "targetIterations": 4,
                                                  "inputNoise": 0})
torch.manual_seed(2)
guided = WaveNet(guided_configuration, 8).eval()
state = {key: value.contiguous() for key, value in guided.state_dict().items()}
save_file(state, os.path.join(OUT, "guided.safetensors"),
          metadata={"wavenet": json.dumps({"configuration": guided_configuration, "frontEnd": front_end})})
guide = (torch.rand(1, 1, 100, generator=g) - 0.5) * 0.8
guided_previous = torch.cat([guided.input_value(torch.randint(0, 256, (1, 1, 100), generator=g)), guide], dim=1)
with torch.no_grad():
    guided_conditioning = guided.conditioning(mel, guide, 100)
    guided_logits = guided(guided_conditioning, guided_previous)
for name, array in [("guided_guide", guide), ("guided_previous", guided_previous),
                    ("guided_conditioning", guided_conditioning), ("guided_logits", guided_logits)]:
    np.save(os.path.join(OUT, f"{name}.npy"), np.ascontiguousarray(array.numpy(), dtype=np.float32))
with open(os.path.join(OUT, "versions.json"), "w") as f:
    json.dump(FOUND, f, indent=2)
print("wrote", sorted(os.listdir(OUT)))
