"""`make distill-demo`: distil a freshly initialised vit_t encoder from the model `make demo` trained, and print
teacher, student before and student after (box and point mIoU on data_samples/val).

Usage: .venv/bin/python scripts/distill_demo.py [--set key=value ...]
"""
import sys

from mobilesam_nb.cli import distill_demo_main

if __name__ == '__main__':
    sys.exit(distill_demo_main())
