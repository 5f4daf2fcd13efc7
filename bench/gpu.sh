#!/usr/bin/env bash
# One-shot GPU benchmark: the same tables as bench/speed.py on CUDA, in fp32, then with bf16 autocast, then with
# bf16 and torch.compile of the encoder; each table also goes to bench/RESULTS_gpu_*.md (the card's name is in it).
# Then the training throughput table (bench/training.py) and one short finetuning run of the shipped sample config.
# Run from the repository root on a machine with a CUDA GPU: bash bench/gpu.sh [extra bench/speed.py arguments]
# Without CUDA it stops before running anything, with exit code 2.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
if ! "$PYTHON" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)'; then
  echo "bench/gpu.sh: error: torch sees no CUDA device; run bench/speed.py for the CPU tables" >&2
  exit 2
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
"$PYTHON" bench/speed.py --device cuda --repeats 10 --amg-repeats 3 --results bench/RESULTS_gpu_fp32.md "$@"
"$PYTHON" bench/speed.py --device cuda --repeats 10 --amg-repeats 3 --bf16 --results bench/RESULTS_gpu_bf16.md "$@"
"$PYTHON" bench/speed.py --device cuda --repeats 10 --amg-repeats 3 --bf16 --compile --results bench/RESULTS_gpu_bf16_compile.md "$@"
"$PYTHON" bench/training.py --device cuda --steps 20 --results bench/RESULTS_gpu_training.md
"$PYTHON" -c 'import sys; from mobilesam_nb.cli import train_main; sys.exit(train_main(sys.argv[1:]))' \
  --config mobilesam_nb/configs/sample.json --set epochs=2 output_dir=outputs/gpu_finetune
