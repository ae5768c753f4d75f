#!/bin/sh
# Exports the examples and trains every known-answer checkpoint in turn (training/README.md).
set -e
cd "$(dirname "$0")/.."
npx tsx training/exportExamples.ts
/usr/bin/python3 training/train.py Qwen2.5-Coder-0.5B-Instruct-diffusion-mdlm-v0.1 "$@"
/usr/bin/python3 training/train.py open-dcoder-0.5B "$@"
/usr/bin/python3 training/train.py Qwen2.5-Coder-0.5B-Instruct-diffusion-bd3lm-v0.1 "$@"
/usr/bin/python3 training/train.py qwen2.5-coder-fim "$@"
