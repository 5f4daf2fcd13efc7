"""Regenerate `data_samples/`, the small synthetic dataset (format 'folders') that ships with mobilesam_nb.

Deterministic: the same seeds give the same files. Usage: python scripts/make_data_samples.py [OUT_DIR]
"""
import shutil, sys
from pathlib import Path

from mobilesam_nb.data import make_shapes_dataset

SPLITS = {'train': dict(n_images=24, seed=1), 'val': dict(n_images=8, seed=2)}
SIZE = ((160, 256), (160, 256))    # random heights and widths in this range (pixels)

def main(out_dir: Path):
    for split, kw in SPLITS.items():
        shutil.rmtree(out_dir/split, ignore_errors=True)
        make_shapes_dataset(out_dir/split, size=SIZE, max_objects=6, min_objects=2, **kw)
        print(f'{out_dir/split}: {kw["n_images"]} images')

if __name__ == '__main__':
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent/'data_samples')
