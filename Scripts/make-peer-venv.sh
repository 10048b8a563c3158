#!/usr/bin/env bash
# Creates the peers' Python environment for the benchmark programs in the repository's git-ignored .peers/venv,
# with the versions Docs/Benchmarks.md was measured with (PyTorch's CPU wheels where download.pytorch.org is
# reachable, else the same versions from PyPI, which also run on the CPU). The benchmarks find it there by default;
# PEER_PYTHON=/path/to/python overrides. Safe to run again: it only installs what is missing.
#
#   bash Scripts/make-peer-venv.sh
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.peers/venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q --extra-index-url https://download.pytorch.org/whl/cpu \
    torch==2.11.0 torchvision==0.26.0 torchaudio==2.11.0
"$venv/bin/pip" install -q numpy==2.4.6 scipy==1.17.1 librosa==0.11.0 soundfile==0.14.0 soxr==1.1.0 pillow==13.0.0 \
    safetensors==0.8.0
"$venv/bin/python" -c "import torch, torchvision, torchaudio, librosa, safetensors; print('peers:', torch.__version__, torchvision.__version__, torchaudio.__version__, librosa.__version__, safetensors.__version__)"
