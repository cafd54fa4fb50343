#!/usr/bin/env bash
# Optional: PyTorch for the bench's peer (harness/bench/peer/pytorch_peer.py) in .cache/torch-venv,
# which `npm run bench` and the peer test then use (BENCH_PYTHON overrides it).
# PyPI's Linux torch is the CUDA build: it runs on the CPU, but pulls ~5 GB of CUDA libraries
# (about 2 minutes here); numpy only keeps torch from warning. TORCH_VERSION overrides the pin.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.cache/torch-venv
version=${TORCH_VERSION:-2.15.0}

if [[ -x $venv/bin/python ]] && "$venv/bin/python" -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$version')" 2>/dev/null; then
  echo "setup-peer: torch $version already in $venv"
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "torch==$version" "numpy==2.4.6"
"$venv/bin/python" -c "import torch; print(f'setup-peer: torch {torch.__version__} in $venv, {torch.get_num_threads()} threads')"
