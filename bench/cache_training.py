"""Benchmark: decoder-only training throughput from the embedding cache vs re-encoding every image each step.

Both runs train the same generated images in the same process (frozen image encoder); the cached run fills its
cache before the clock starts. Prints prompts (objects) per second of each and their ratio.

Usage: .venv/bin/python bench/cache_training.py [--model-type vit_t] [--img-size 1024] [--steps 8]
"""
import argparse, tempfile, time
from pathlib import Path

from mobilesam_nb.config import config_from_dict
from mobilesam_nb.data import make_shapes_dataset
from mobilesam_nb.trainer import Trainer


def prompts_per_second(data: Path, out: Path, model_type: str, img_size: int, n_images: int, steps: int,
                       batch_size: int, objects: int, use_cache: bool) -> float:
    "Prompts per second of `steps` frozen-encoder training steps after one warm-up step."
    cfg = config_from_dict({'data': {'train': str(data), 'max_objects': objects},
                            'model': {'model_type': model_type, 'img_size': img_size},
                            'freeze': {'image_encoder': True}, 'cache_embeddings': use_cache,
                            'epochs': -(-(steps + 1) * batch_size // n_images), 'batch_size': batch_size,
                            'output_dir': str(out)})
    trainer = Trainer(cfg, quiet=True)
    trainer.run_steps(1)  # warm-up (and, for the cached run, filling the cache)
    start = time.perf_counter()
    ran = trainer.run_steps(steps)
    seconds = time.perf_counter() - start
    return sum(len(trainer.train_ds[i]['masks']) for i in range(n_images)) / n_images * batch_size * ran / seconds


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--model-type', default='vit_t')
    p.add_argument('--img-size', type=int, default=1024)
    p.add_argument('--images', type=int, default=8)
    p.add_argument('--steps', type=int, default=8)
    p.add_argument('--batch-size', type=int, default=2)
    p.add_argument('--objects', type=int, default=6)
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        make_shapes_dataset(d/'data', a.images, size=(192, 256), seed=0, min_objects=a.objects, max_objects=a.objects)
        rates = {name: prompts_per_second(d/'data', d/name, a.model_type, a.img_size, a.images, a.steps, a.batch_size,
                                          a.objects, use_cache) for name, use_cache in (('cached', True), ('encoder', False))}
    print(f"{a.model_type} @ {a.img_size}: prompts/s cached {rates['cached']:.1f}, re-encoding {rates['encoder']:.1f}, "
          f"ratio {rates['cached'] / rates['encoder']:.1f}x")
