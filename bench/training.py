"""Benchmark: training throughput (prompts/s, images/s) and peak memory of three designs, measured in one run.

- `one object per sample`: the original finetuning repository's design, the baseline: each sample is one (image,
  object) pair, the image encoder is frozen but runs again for every sample, the mask decoder trains.
- `cached, N objects per image`: ours for decoder-only training: the frozen encoder's embeddings come from the
  embedding cache (filled before the clock starts) and all N objects of an image are decoded together.
- `full finetuning, N objects per image`: every module trains, the encoder runs for every image.

Each design runs in its own subprocess on the same generated images, so its peak memory (resident set on CPU,
`torch.cuda.max_memory_allocated` on a GPU) is its own. Ratios are prompts/s over the baseline's. The share of CPU
time spent in the kernel (mostly zeroing fresh pages for large tensors) is printed too: on Linux it is the sign of
buffers too large for the allocator to reuse.

Usage: python bench/training.py [--img-size 1024] [--objects 8] [--steps 6] [--batch-size 2] [--device cpu]
                                [--results bench/RESULTS_training.md]
"""
import argparse, json, os, resource, subprocess, sys, tempfile, time
from pathlib import Path

DESIGNS = {'one object per sample': dict(objects=1, freeze_encoder=True, cache=False),
           'cached, {n} objects per image': dict(objects=None, freeze_encoder=True, cache=True),
           'full finetuning, {n} objects per image': dict(objects=None, freeze_encoder=False, cache=False)}


def measure(data: str, out: str, img_size: int, objects: int, freeze_encoder: bool, cache: bool, steps: int,
            batch_size: int, device: str) -> dict:
    "Prompts/s, images/s and peak memory (MiB) of `steps` training steps after one warm-up step, in this process."
    import torch
    from mobilesam_nb.config import config_from_dict
    from mobilesam_nb.trainer import Trainer
    n_images = len(list((Path(data)/'image').iterdir()))
    cfg = config_from_dict({'data': {'train': data, 'max_objects': objects},
                            'model': {'model_type': 'vit_t', 'img_size': img_size},
                            'freeze': {'image_encoder': freeze_encoder}, 'cache_embeddings': cache,
                            'epochs': -(-(steps + 1) * batch_size // n_images), 'batch_size': batch_size, 'output_dir': out})
    trainer = Trainer(cfg, device=device, quiet=True)
    trainer.run_steps(1)  # warm-up
    if device.startswith('cuda'): torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats()
    start, cpu = time.perf_counter(), os.times()
    ran = trainer.run_steps(steps)
    if device.startswith('cuda'): torch.cuda.synchronize()
    seconds, cpu_after = time.perf_counter() - start, os.times()
    kernel = cpu_after.system - cpu.system
    kernel_share = kernel / max(kernel + cpu_after.user - cpu.user, 1e-9)
    prompts = sum(min(objects, len(trainer.train_ds[i]['masks'])) for i in range(n_images)) / n_images * batch_size * ran
    peak = torch.cuda.max_memory_allocated() / 2**20 if device.startswith('cuda') else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {'prompts_per_s': prompts / seconds, 'images_per_s': batch_size * ran / seconds, 'peak_mib': peak,
            'kernel_share': kernel_share}


def markdown(rows: dict) -> str:
    baseline = next(iter(rows.values()))['prompts_per_s']
    lines = ['| design | prompts/s | images/s | peak memory (MiB) | CPU time in the kernel | prompts/s vs one object per sample |',
             '|---|---:|---:|---:|---:|---:|']
    for name, r in rows.items():
        lines.append(f"| {name} | {r['prompts_per_s']:.2f} | {r['images_per_s']:.2f} | {r['peak_mib']:.0f} | "
                     f"{r['kernel_share']:.0%} | {r['prompts_per_s'] / baseline:.1f}x |")
    return '\n'.join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--img-size', type=int, default=1024)
    p.add_argument('--objects', type=int, default=8, help='objects per image (the generated images have exactly this many)')
    p.add_argument('--images', type=int, default=8)
    p.add_argument('--steps', type=int, default=6, help='timed steps per design (after one warm-up step)')
    p.add_argument('--batch-size', type=int, default=2)
    p.add_argument('--device', default='cpu')
    p.add_argument('--results', type=Path, help='also write the table to this markdown file')
    p.add_argument('--measure', help=argparse.SUPPRESS)  # internal: JSON arguments of `measure`, run in a subprocess
    a = p.parse_args(argv)
    if a.measure:
        print(json.dumps(measure(**json.loads(a.measure)))); return
    from mobilesam_nb.data import make_shapes_dataset
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = make_shapes_dataset(Path(tmp)/'data', a.images, size=(480, 640), seed=0, min_objects=a.objects, max_objects=a.objects)
        for i, (name, design) in enumerate(DESIGNS.items()):
            args = dict(data=str(data), out=f'{tmp}/run{i}', img_size=a.img_size, objects=design['objects'] or a.objects,
                        freeze_encoder=design['freeze_encoder'], cache=design['cache'], steps=a.steps,
                        batch_size=a.batch_size, device=a.device)
            found = subprocess.run([sys.executable, __file__, '--measure', json.dumps(args)], check=True,
                                   stdout=subprocess.PIPE, text=True).stdout
            rows[name.format(n=a.objects)] = json.loads(found.strip().splitlines()[-1])
            print(f'{name.format(n=a.objects)}: {rows[name.format(n=a.objects)]}', flush=True)
    header = (f'vit_t at img_size {a.img_size}, {a.images} generated 640 x 480 images with {a.objects} objects each, '
              f'batch {a.batch_size}, {a.steps} timed steps per design, device {a.device}')
    table = markdown(rows)
    print(header); print(table)
    if a.results: a.results.write_text(f'{header}\n\n{table}\n')


if __name__ == '__main__': main()
