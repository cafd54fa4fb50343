#!/usr/bin/env bash
# Retrains every committed checkpoint from scratch with the recorded seeds (about 45 minutes on
# 2 cores with the native backend). Outputs: models/checkpoints/{classifier,vae,dcgan,wgan-gp}
# and the VAE α sweep logs in models/checkpoints/vae-alpha-sweep/.
set -euo pipefail
cd "$(dirname "$0")/.."
run() { npx tsx cli.ts "$@"; }

[ "${SKIP_CLASSIFIER:-}" ] || run train-classifier --steps 1200 --seed 1
for alpha in 1 10 100 500 2000; do
  run train --model vae --alpha "$alpha" --steps 600 --seed 1 --quality-every 100 --out ".cache/runs/vae-alpha-$alpha"
  mkdir -p models/checkpoints/vae-alpha-sweep
  cp ".cache/runs/vae-alpha-$alpha/log.jsonl" "models/checkpoints/vae-alpha-sweep/alpha-$alpha.jsonl"
done
run train --model vae --epochs 20 --seed 1 --quality-every 250 --publish
run train --model dcgan --steps 3000 --seed 1 --quality-every 250 --publish
run train --model wgan-gp --steps 800 --seed 1 --quality-every 100 --publish
