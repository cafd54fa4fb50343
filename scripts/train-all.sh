#!/usr/bin/env bash
# Retrains every committed checkpoint from scratch with the recorded seeds (42 minutes on 2 cores
# with the native backend, README.md). Outputs: models/checkpoints/{classifier,vae,dcgan,wgan-gp}
# and the VAE α sweep step logs in models/checkpoints/vae-alpha-sweep/; the full-precision runs in
# .cache/runs/ are replaced (--overwrite).
# STAGES (default: all) picks a subset, e.g. STAGES="sweep dcgan".
set -euo pipefail
cd "$(dirname "$0")/.."
all="classifier sweep vae dcgan wgan-gp"
stages=${STAGES:-$all}
for stage in $stages; do
  [[ " $all " == *" $stage "* ]] || { echo "train-all.sh: STAGES: expected names among '$all', found '$stage'" >&2; exit 1; }
done
has() { [[ " $stages " == *" $1 "* ]]; }
run() { npx tsx cli.ts "$@"; }

if has classifier; then run train-classifier --steps 1200 --seed 1; fi
if has sweep; then run alpha-sweep --alphas "${SWEEP_ALPHAS:-1,10,100,500,2000,10000,50000}" --steps 600 --seed 1; fi
if has vae; then run train --model vae --epochs 20 --seed 1 --quality-every 250 --overwrite --publish; fi
if has dcgan; then run train --model dcgan --steps 3000 --seed 1 --quality-every 250 --overwrite --publish; fi
if has wgan-gp; then run train --model wgan-gp --steps 1600 --seed 1 --quality-every 100 --checkpoint-every 100 --overwrite --publish; fi
