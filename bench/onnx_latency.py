"""Latency of PyTorch eager against ONNX Runtime (fp32 and int8) for the image encoder (`set_image`) and for `predict`.

Not a test: run it by hand, once, on an otherwise idle machine. Every number comes from the same run, and the table gives
each as a ratio against PyTorch eager measured here. Example:

    PYTHONPATH=$PWD python bench/onnx_latency.py --img-size 1024 --repeats 5
"""
import argparse, platform, statistics, tempfile, time
from pathlib import Path

import numpy as np
import torch

from mobilesam_nb import sam_model_registry, SamPredictor
from mobilesam_nb.onnx import OnnxSamPredictor, export_decoder, export_encoder, quantize_decoder


def median_seconds(fn, repeats: int) -> float:
    "Median wall time of `fn()` over `repeats` calls, after one warm-up call."
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter(); fn(); times.append(time.perf_counter() - start)
    return statistics.median(times)


def quantize_encoder_dynamic(src: Path, dst: Path) -> Path:
    "Dynamic int8 for the encoder's MatMuls (its convolutions' weights are computed in the graph, which dynamic quantisation refuses)."
    from onnxruntime.quantization import QuantType, quantize_dynamic
    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QUInt8, op_types_to_quantize=['MatMul', 'Gemm'])
    return dst


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--checkpoint', default=None, help='weights to load (default: random vit_t weights; latency does not depend on them)')
    p.add_argument('--img-size', type=int, default=1024)
    p.add_argument('--repeats', type=int, default=5)
    p.add_argument('--threads', type=int, default=None, help='threads for both runtimes (default: each runtime decides)')
    args = p.parse_args(argv)
    if args.threads: torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    sam = sam_model_registry['vit_t'](checkpoint=args.checkpoint, img_size=args.img_size)
    image = np.random.default_rng(0).integers(0, 256, (480, 640, 3), dtype=np.uint8)
    prompt = dict(point_coords=np.array([[320., 240.]]), point_labels=np.array([1]), multimask_output=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        encoder, decoder = export_encoder(sam, tmp/'encoder.onnx'), export_decoder(sam, tmp/'decoder.onnx')
        encoder_int8 = quantize_encoder_dynamic(encoder, tmp/'encoder_int8.onnx')
        decoder_int8 = quantize_decoder(decoder, tmp/'decoder_int8.onnx')
        predictors = {'PyTorch eager': SamPredictor(sam),
                      'ONNX Runtime fp32': OnnxSamPredictor(encoder, decoder, args.threads),
                      'ONNX Runtime int8': OnnxSamPredictor(encoder_int8, decoder_int8, args.threads)}
        rows = {}
        for name, predictor in predictors.items():
            with torch.no_grad():
                encode = median_seconds(lambda: predictor.set_image(image), args.repeats)
                predict = median_seconds(lambda: predictor.predict(**prompt), args.repeats)
            rows[name] = encode, predict
    base_encode, base_predict = rows['PyTorch eager']
    print(f'{time.strftime("%Y-%m-%d")}, {platform.processor() or platform.machine()}, {torch.get_num_threads()} torch threads, '
          f'img_size {args.img_size}, image 480x640, median of {args.repeats}')
    print(f"{'':<20}{'set_image (s)':>14}{'x PyTorch':>10}{'predict (ms)':>14}{'x PyTorch':>10}")
    for name, (encode, predict) in rows.items():
        print(f'{name:<20}{encode:>14.3f}{encode / base_encode:>10.2f}{predict * 1e3:>14.1f}{predict / base_predict:>10.2f}')


if __name__ == '__main__': main()
