"""Benchmark: decoder-only training throughput from the embedding cache vs re-encoding every image each step.

Usage: .venv/bin/python scripts/bench_cache.py [--model-type vit_t] [--img-size 1024] [--steps 8]
"""
import argparse

from mobilesam_nb.trainer import benchmark_cache

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--model-type', default='vit_t')
    p.add_argument('--img-size', type=int, default=1024)
    p.add_argument('--images', type=int, default=8)
    p.add_argument('--steps', type=int, default=8)
    p.add_argument('--batch-size', type=int, default=2)
    a = p.parse_args()
    r = benchmark_cache(a.model_type, a.img_size, a.images, a.steps, a.batch_size)
    print(f"{a.model_type} @ {a.img_size}: prompts/s cached {r['cached']:.1f}, re-encoding {r['encoder']:.1f}, "
          f"ratio {r['ratio']:.1f}x")
