"""The onnxruntime side of scripts/bench-cnn-vs-onnxruntime.sh: single-image latency of an ONNX model.

  onnxruntime_latency.py MODEL.onnx INPUTS.npy IMAGES [all|extended]

One thread (SessionOptions intra_op_num_threads = inter_op_num_threads = 1, the CPU provider). The graph
optimizations are onnxruntime's default, ORT_ENABLE_ALL, or with `extended` ORT_ENABLE_EXTENDED: the same
fusions without the layout transformation that runs convolutions in onnxruntime's blocked NCHWc layout
with its direct kernels (left with im2col and its sgemm, as cnnswift). The model is loaded and 10
unmeasured single-image runs go first; then each of IMAGES
runs of `session.run` on one input [1, C, H, W] (cycling through the N×C×H×W float32 INPUTS.npy, each
sliced out before its clock starts) is timed alone, as `cnnswift infer --batch 1 --latency-images IMAGES`
times each single-image forward pass. Prints one JSON line: p50_ms, p99_ms, mean_ms, images, onnxruntime."""
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_interop import ort_session  # noqa: E402


def main(model, inputs, images, level):
    import onnxruntime

    session = ort_session(model, level)
    name = session.get_inputs()[0].name
    x = np.load(inputs)
    samples = [np.ascontiguousarray(x[i:i + 1]) for i in range(len(x))]
    seconds = []
    for index in range(-10, images):
        sample = samples[(index + 10) % len(samples)]
        start = time.perf_counter()
        session.run(None, {name: sample})
        elapsed = time.perf_counter() - start
        if index >= 0:
            seconds.append(elapsed)
    ordered = sorted(seconds)

    def percentile(fraction):  # nearest rank, as cnnswift infer's
        return ordered[min(max(int(np.ceil(fraction * len(ordered))), 1), len(ordered)) - 1]

    print(json.dumps({"p50_ms": percentile(0.5) * 1e3, "p99_ms": percentile(0.99) * 1e3,
                      "mean_ms": float(np.mean(seconds)) * 1e3, "images": images, "level": level,
                      "onnxruntime": onnxruntime.__version__}))


if __name__ == "__main__":
    if (len(sys.argv) not in (4, 5) or not sys.argv[3].isdigit() or int(sys.argv[3]) < 1
            or (len(sys.argv) == 5 and sys.argv[4] not in ("all", "extended"))):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] if len(sys.argv) == 5 else "all")
