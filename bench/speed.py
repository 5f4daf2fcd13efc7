"""Benchmark: encoder, `predict` and automatic mask generation, fast path against the reference path, in one run.

The reference path is the official computation (what the parity fixtures pin down): `use_fast_inference(sam, False)`
switches the encoder back to BatchNorm after each convolution, separate GELUs and spelt-out attention, the mask
decoder back to projecting every image token and to channels-first transposed convolutions for a spelt-out batch of
prompt sets, the predictor back to the official mask upscaling (with the padded area), and the automatic mask
generator back to upscaling every mask before filtering.
Both paths run in the same process on the same model, interleaved round by round, and each table row gives the median
of `--repeats` runs of each and the median of the rounds' own ratios (fast / reference: lower is better), with the
ratios' quartiles where there are four rounds or more. The two runs of a round are seconds apart, so their ratio
is little moved by the slow drifts of a shared machine's speed, which move a ratio of the two medians.
The header gives the machine's speed just before and after the run (a matrix product and a large copy), so that
runs at different times can be told apart.

The `hierarchical` rows compare TinySAM's coarse-then-dense sampling with the dense grid, both on the fast path
(its masks are not the official ones, so its baseline column is the dense fast path, not the reference).

Usage: python bench/speed.py [--only encoder predict amg hierarchical] [--repeats 3] [--amg-repeats 1] [--results bench/RESULTS.md]
       [--device cuda] [--bf16] [--compile]
"""
import argparse, platform, statistics, sys, time
from contextlib import nullcontext
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import torch

from mobilesam_nb import sam_model_registry, SamPredictor, SamAutomaticMaskGenerator
from mobilesam_nb.testing import shared_dir
from mobilesam_nb.tinyvit import use_fast_inference


def load_model(img_size: int, device: str):
    "The trained fixture's `vit_t` where `../shared/parity_trained` exists (else random weights), and its photograph or a random one."
    folder = shared_dir('parity_trained')
    checkpoint = folder/'vit_t_trained_fp16.pt' if folder is not None else None
    sam = sam_model_registry['vit_t'](checkpoint=checkpoint, img_size=img_size).to(device).eval()
    if folder is not None: image = cv2.cvtColor(cv2.imread(str(folder/'image.png')), cv2.COLOR_BGR2RGB)
    else: image = np.random.default_rng(0).integers(0, 256, (480, 640, 3), dtype=np.uint8)
    return sam, image, 'parity_trained (trained weights, photograph)' if folder is not None else 'random weights, random image'


def as_640x480(image: np.ndarray) -> np.ndarray:
    "The benchmark image resized (and, if needed, turned) to 640 wide x 480 high."
    if image.shape[0] > image.shape[1]: image = np.ascontiguousarray(np.rot90(image))
    return cv2.resize(image, (640, 480), interpolation=cv2.INTER_AREA)


def seconds(fn, device: str) -> float:
    "Wall-clock seconds of one call of `fn` (waiting for the GPU where there is one)."
    if device.startswith('cuda'): torch.cuda.synchronize()
    start = time.perf_counter()
    fn()
    if device.startswith('cuda'): torch.cuda.synchronize()
    return time.perf_counter() - start


def machine_speed(device: str) -> str:
    "This moment's matrix-multiply throughput (fp32, 1024 x 1024 x 1024, median of 5) and copy bandwidth (256 MiB): a shared machine's speed drifts."
    a, b = torch.randn(1024, 1024, device=device), torch.randn(1024, 1024, device=device)
    gflops = 2 * 1024 ** 3 / statistics.median(seconds(lambda: a @ b, device) for _ in range(5)) / 1e9
    source = torch.empty(64 * 2 ** 20, device=device)
    target = torch.empty_like(source)
    bandwidth = 2 * source.nbytes / statistics.median(seconds(lambda: target.copy_(source), device) for _ in range(5)) / 2 ** 30
    return f'matmul {gflops:.0f} GFLOP/s, copy {bandwidth:.1f} GiB/s'


def compare(sam, variants: dict, repeats: int, device: str, warmup: bool = True) -> dict:
    "Seconds of each run of each variant (name -> (fast_inference, fn)): `repeats` interleaved rounds, after an untimed one with `warmup`."
    times = {name: [] for name in variants}
    for _ in range(repeats + warmup):
        for name, (fast, fn) in variants.items():
            use_fast_inference(sam, fast)
            times[name].append(seconds(fn, device))
    use_fast_inference(sam)
    return {name: ts[warmup:] for name, ts in times.items()}


def paired_ratios(baseline: list, fast: list) -> list:
    "Each round's fast / baseline seconds, sorted."
    return sorted(f / b for b, f in zip(baseline, fast))


def quartiles(values: list) -> tuple:
    "First quartile, median and third quartile of `values` (the median alone, three times, below four values)."
    if len(values) < 4: return (statistics.median(values),) * 3
    return tuple(statistics.quantiles(values, n=4, method='inclusive'))


def onnx_encoder_runner(sam, img_size: int):
    "A zero-argument callable that runs `sam`'s encoder exported to ONNX (fp32, a temporary file) once on ONNX Runtime."
    import tempfile
    from mobilesam_nb.onnx import export_encoder, onnx_session
    with tempfile.TemporaryDirectory() as folder:  # the session holds the model: the file can go
        session = onnx_session(export_encoder(sam.cpu(), Path(folder)/f'encoder_{img_size}.onnx'))
    x = np.random.default_rng(0).standard_normal((1, 3, img_size, img_size)).astype(np.float32)
    return lambda: session.run(None, {'input_image': x})


def bench_encoder(sizes, repeats: int, device: str, autocast, compile_encoder: bool) -> list:
    rows = []
    for size in sizes:
        sam, _, _ = load_model(size, device)
        x = torch.randn(1, 3, size, size, device=device)
        encoder = torch.compile(sam.image_encoder) if compile_encoder else sam.image_encoder
        def run():
            with torch.no_grad(), autocast(): encoder(x)
        runs = compare(sam, {'reference': (False, run), 'fast': (True, run)}, repeats, device)
        onnx_run = onnx_encoder_runner(sam, size)
        onnx = statistics.median(seconds(onnx_run, device) for _ in range(repeats))
        rows.append((f'encoder {size}x{size}', runs['reference'], runs['fast'], onnx))
    return rows


def bench_predict(repeats: int, device: str, autocast) -> list:
    sam, image, _ = load_model(1024, device)
    predictor = SamPredictor(sam)
    predictor.set_image(image)
    h, w = image.shape[:2]
    point, label = np.array([[w * 0.5, h * 0.5]]), np.array([1])
    rng = np.random.default_rng(0)
    corners = rng.uniform(0, 1, (64, 2, 2)) * [w, h]
    boxes = torch.as_tensor(np.concatenate([corners.min(1), corners.max(1)], 1), dtype=torch.float, device=device)
    boxes = predictor.transform.apply_boxes_torch(boxes, predictor.original_size)
    def one_point():
        with autocast(): predictor.predict(point_coords=point, point_labels=label, multimask_output=True)
    def box_batch():
        with autocast(): predictor.predict_torch(None, None, boxes=boxes, multimask_output=False)
    rows = []
    for name, fn, per in (('predict, 1 point, 3 masks', one_point, 1), ('predict_torch, 64 boxes, per box', box_batch, 64)):
        runs = compare(sam, {'reference': (False, fn), 'fast': (True, fn)}, repeats, device)
        rows.append((name, [t / per for t in runs['reference']], [t / per for t in runs['fast']], None))
    return rows


def bench_amg(points_per_side, repeats: int, device: str, autocast) -> list:
    "Automatic mask generation on a 640x480 image with the parity_trained thresholds; also checks that both paths keep the same masks."
    sam, image, _ = load_model(1024, device)
    image = as_640x480(image)
    rows = []
    for n in points_per_side:
        generator = SamAutomaticMaskGenerator(sam, points_per_side=n, pred_iou_thresh=0.12, stability_score_thresh=0.25, box_nms_thresh=0.7)
        found = {}
        def run(path):
            def generate():
                with autocast(): found[path] = generator.generate(image)
            return generate
        runs = compare(sam, {'reference': (False, run('reference')), 'fast': (True, run('fast'))}, repeats, device, warmup=False)
        counts = {path: len(records) for path, records in found.items()}
        rows.append((f"AMG 640x480, {n}x{n} points ({counts['reference']} / {counts['fast']} masks)", runs['reference'], runs['fast'], None))
    return rows


def bench_hierarchical(points_per_side, repeats: int, device: str, autocast) -> list:
    "TinySAM's coarse-then-dense sampling against the dense grid, both on the fast path (its masks differ: a separate table row)."
    sam, image, _ = load_model(1024, device)
    image = as_640x480(image)
    rows = []
    for n in points_per_side:
        thresholds = dict(points_per_side=n, pred_iou_thresh=0.12, stability_score_thresh=0.25, box_nms_thresh=0.7)
        generators = {'dense': SamAutomaticMaskGenerator(sam, **thresholds),
                      'hierarchical': SamAutomaticMaskGenerator(sam, hierarchical=True, **thresholds)}
        found = {}
        def run(name):
            def generate():
                with autocast(): found[name] = generators[name].generate(image)
            return generate
        runs = compare(sam, {name: (True, run(name)) for name in generators}, repeats, device, warmup=False)
        rows.append((f"AMG {n}x{n}: hierarchical vs dense, both fast ({len(found['dense'])} / {len(found['hierarchical'])} masks)",
                     runs['dense'], runs['hierarchical'], None))
    return rows


def markdown(rows) -> str:
    "The table: each variant's median seconds, the median of the rounds' ratios and their quartiles, ONNX Runtime's median."
    lines = ['| benchmark | reference (s) | fast (s) | fast / reference | ratio quartiles | ONNX Runtime (s) |',
             '|---|---:|---:|---:|---:|---:|']
    for name, reference, fast, onnx in rows:
        low, ratio, high = quartiles(paired_ratios(reference, fast))
        spread = f'{low:.3f}-{high:.3f}' if len(reference) >= 4 else 'n/a'
        onnx_cell = f'{onnx:.4f}' if onnx is not None else 'n/a'
        lines.append(f'| {name} | {statistics.median(reference):.4f} | {statistics.median(fast):.4f} | {ratio:.2f}x '
                     f'({ratio:.3f}) | {spread} | {onnx_cell} |')
    return '\n'.join(lines)


def plot(rows, path: Path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(rows) + 1.2), dpi=70)
    names = [r[0].split(' (')[0] for r in rows][::-1]
    spreads = [quartiles(paired_ratios(r[1], r[2])) for r in rows][::-1]
    ratios = [median for _, median, _ in spreads]
    # whiskers from the first to the third quartile of the rounds' ratios (none below four rounds)
    ax.barh(names, ratios, color='tab:blue', xerr=[[m - low for low, m, _ in spreads], [high - m for _, m, high in spreads]],
            error_kw=dict(ecolor='black', capsize=3, lw=1))
    ax.axvline(1.0, color='grey', lw=1)
    for y, (_, ratio, high) in enumerate(spreads): ax.text(high, y, f'  {ratio:.2f}x', va='center', fontsize=8)
    ax.set_xlabel('time of the fast path / time of its baseline (lower is better)')
    ax.set_xlim(0, 1.15)
    fig.tight_layout()
    fig.savefig(path)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--only', nargs='+', choices=['encoder', 'predict', 'amg', 'hierarchical'],
                   default=['encoder', 'predict', 'amg', 'hierarchical'])
    p.add_argument('--repeats', type=int, default=3, help='timed runs per variant (after one warm-up)')
    p.add_argument('--amg-repeats', type=int, default=1)
    p.add_argument('--amg-points', type=int, nargs='+', default=[16, 32])
    p.add_argument('--device', default='cpu')
    p.add_argument('--bf16', action='store_true', help='run under torch.autocast(bfloat16) (both paths)')
    p.add_argument('--compile', action='store_true', help='torch.compile the encoder (both paths)')
    p.add_argument('--results', type=Path, help='write the table (and a plot beside it) to this markdown file')
    p.add_argument('--machine', default=f'{platform.processor() or platform.machine()}, {torch.get_num_threads()} threads')
    a = p.parse_args(argv)
    if a.device.startswith('cuda') and not torch.cuda.is_available():
        sys.exit(f'{Path(__file__).name}: error: --device {a.device} but torch sees no CUDA device')
    autocast = (lambda: torch.autocast(a.device.split(':')[0], dtype=torch.bfloat16)) if a.bf16 else nullcontext
    speed_before = machine_speed(a.device)
    rows = []
    benchmarks = {'encoder': [lambda: bench_encoder((1024, 512), a.repeats, a.device, autocast, a.compile)],
                  'predict': [lambda: bench_predict(a.repeats, a.device, autocast)],
                  'amg': [lambda n=n: bench_amg([n], a.amg_repeats, a.device, autocast) for n in a.amg_points],
                  'hierarchical': [lambda n=n: bench_hierarchical([n], a.amg_repeats, a.device, autocast) for n in a.amg_points]}
    for name in a.only:
        for bench in benchmarks[name]:
            new_rows = bench()
            rows += new_rows
            print('\n'.join(markdown(new_rows).splitlines()[2:]), flush=True)  # progress
    table = markdown(rows)
    options = ', '.join(o for o, on in (('bf16 autocast', a.bf16), ('torch.compile encoder', a.compile)) if on) or 'fp32 eager'
    device = torch.cuda.get_device_name() if a.device.startswith('cuda') else a.machine
    header = (f'{date.today()}, {device}, torch {torch.__version__}, {options}; medians of {a.repeats} rounds ({a.amg_repeats} for AMG); '
              f'machine speed before: {speed_before}, after: {machine_speed(a.device)}')
    print(header); print(table)
    if a.results:
        plot(rows, a.results.with_suffix('.png'))
        a.results.write_text(f'# Speed\n\n{header}\n\n{table}\n\n![fast / reference]({a.results.with_suffix(".png").name})\n')


if __name__ == '__main__': main()
