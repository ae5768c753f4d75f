#!/bin/sh
# Exports the examples and trains the known-answer checkpoints (training/README.md), each in one run,
# deterministic from its seed (9 minutes for the a2d-mdlm checkpoint on one idle core).
set -e
cd "$(dirname "$0")/.."
MDLM=Qwen2.5-Coder-0.5B-Instruct-diffusion-mdlm-v0.1
npx tsx training/exportExamples.ts "$MDLM"
/usr/bin/python3 training/train.py "$MDLM" --steps 4000 --lr 5e-3 --weight-decay 0.1 --seed 1
npx tsx training/exportExamples.ts qwen2.5-coder-fim
/usr/bin/python3 training/train.py qwen2.5-coder-fim --steps 3000 --lr 5e-3 --weight-decay 0.1 --seed 1
npx tsx training/exportExamples.ts open-dcoder-0.5B
/usr/bin/python3 training/train.py open-dcoder-0.5B --steps 4000 --lr 5e-3 --weight-decay 0.1 --seed 1
npx tsx training/exportExamples.ts CoDA-v0-Instruct
/usr/bin/python3 training/train.py CoDA-v0-Instruct --steps 4000 --lr 5e-3 --weight-decay 0.1 --seed 1
npx tsx training/exportExamples.ts DiffuCoder-7B-Instruct
/usr/bin/python3 training/train.py DiffuCoder-7B-Instruct --steps 4000 --lr 5e-3 --weight-decay 0.1 --seed 1
npx tsx training/exportExamples.ts Qwen3-0.6B-diffusion-mdlm-v0.1
/usr/bin/python3 training/train.py Qwen3-0.6B-diffusion-mdlm-v0.1 --steps 4000 --lr 5e-3 --weight-decay 0.1 --seed 1
BD3LM=Qwen2.5-Coder-0.5B-Instruct-diffusion-bd3lm-v0.1
npx tsx training/exportExamples.ts "$BD3LM"
/usr/bin/python3 training/train.py "$BD3LM" --steps 4000 --lr 5e-3 --weight-decay 0.5 --seed 1
