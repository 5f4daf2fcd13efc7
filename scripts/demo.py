"""`make demo`: finetune the shipped sample.json on generated shapes and print validation mIoU before and after.

Usage: .venv/bin/python scripts/demo.py [--n-train N] [--set key=value ...]
"""
import sys

from mobilesam_nb.cli import demo_main

if __name__ == '__main__':
    sys.exit(demo_main())
