#!/bin/sh
# Exports the examples and trains the known-answer checkpoints (training/README.md). Each stage is
# deterministic from its seed; the a2d-mdlm checkpoint was trained in three stages, the later two
# resuming from the saved weights (copying the instruction's constant appeared only in the second).
set -e
cd "$(dirname "$0")/.."
MDLM=Qwen2.5-Coder-0.5B-Instruct-diffusion-mdlm-v0.1
npx tsx training/exportExamples.ts "$MDLM"
/usr/bin/python3 training/train.py "$MDLM" --steps 1500 --lr 5e-3 --seed 1
/usr/bin/python3 training/train.py "$MDLM" --steps 1500 --lr 5e-3 --seed 4 --resume
/usr/bin/python3 training/train.py "$MDLM" --steps 1800 --lr 4e-3 --seed 5 --resume
