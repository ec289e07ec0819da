#!/usr/bin/env bash
# check-onnx-interop.sh: cnnswift's ONNX export and import against onnxruntime and PyTorch.
#
# Usage: scripts/check-onnx-interop.sh [--out DIR] [--venv DIR]
#
#   1. PyTorch exports a LeNet, a pre-activation ResNet with batch normalization, and a branching
#      model (ZeroPad2d, leaky ReLU, concatenation, nearest upsampling, padded average pooling,
#      dropout, softmax) with torch.onnx.export(dynamo=False), with fixed inputs and its outputs.
#   2. A Swift test (ONNXInteropFiles, run only when CNNSWIFT_ONNX_INTEROP_DIR is set) exports
#      cnnswift's lenet, resnet8, fcn, resnet1d and a branching graph of every other layer (reorg, darknet batch
#      normalization, upsampling, grouped and dilated convolutions, two outputs) with their inputs
#      and outputs, and imports PyTorch's models and runs them.
#   3. `cnnswift export` writes the branching model again from its .cnn file (the command's path).
#   4. onnxruntime runs every .onnx; the table gives the largest |difference| per output from
#      cnnswift's, and from PyTorch's.
#   5. Fidelity (in OUT/fidelity): PyTorch exports a LeNet, a ResNet-20 (CIFAR, conv-BN-ReLU, 1×1
#      projection shortcuts) and a MobileNet-style network (depthwise separable blocks), seeded, with
#      calibrated BN statistics, in eval mode (the exporter folds BN into the convolutions) and again
#      keeping every BatchNormalization node (the -bn models); 100 seeded inputs as a float32 .npy.
#      `cnnswift infer --data in.npy --outputs out.npy` runs each on 1 rank and on 2 (mpiexec -n 2,
#      batch 25, so both ranks work); the table gives the largest |difference| from onnxruntime's
#      outputs (and the runs on 1 and 2 ranks must agree bit for bit).
#   6. Round trip: `cnnswift export --model-file M.onnx --cnn M.cnn`, then `--model-file M.cnn --onnx
#      M.again.onnx`; every FLOAT initializer of M.again.onnx must equal its counterpart in M.onnx bit
#      for bit (paired by the order the graph's nodes read them, with operator and shape: see
#      weights_in_use in scripts/reference/onnx_interop.py), and onnxruntime must give M.again.onnx's
#      outputs within 1e-4 of M.onnx's.
#   7. Training (scripts/reference/onnx_training.py, Swift test ONNXTrainingFiles): a LeNet with batch
#      normalization and a residual network, exported for training, train 3 SGD steps in PyTorch and in
#      cnnswift from the .onnx file; each step's loss and the trained models' outputs (cnnswift's, and
#      onnxruntime's on cnnswift's export of the trained model) must match PyTorch's within 1e-4.
# Exits 1 when any difference is over 1e-4 or any check fails (after running every step).
# The Python packages (onnx, onnxruntime, numpy, torch 2.13.0+cpu) go into a scratch venv, by
# default /tmp/cnnswift-onnx-venv; nothing of theirs is committed or installed system-wide.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT=""
VENV=/tmp/cnnswift-onnx-venv
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --venv) VENV="$2"; shift 2 ;;
    -h|--help) sed -n '2,34p' "$0"; exit 0 ;;
    *) echo "check-onnx-interop.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
OUT="${OUT:-$(mktemp -d /tmp/cnnswift-onnx-XXXXXX)}"
mkdir -p "$OUT"
cd "$REPO_ROOT"

if ! "$VENV/bin/python" -c 'import onnx, onnxruntime, torch, numpy' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet onnx onnxruntime numpy "torch==2.13.0+cpu"
fi
"$VENV/bin/python" -c 'import onnxruntime, torch; print(f"onnxruntime {onnxruntime.__version__}, torch {torch.__version__}")'

echo "== 1. PyTorch exports ($OUT)"
OMP_NUM_THREADS=1 "$VENV/bin/python" scripts/reference/onnx_interop.py torch-export "$OUT"
OMP_NUM_THREADS=1 PYTHONWARNINGS=ignore "$VENV/bin/python" scripts/reference/onnx_training.py torch-export "$OUT/training"

echo "== 2. cnnswift exports its models and imports PyTorch's"
swift build --build-tests
CNNSWIFT_ONNX_INTEROP_DIR="$OUT" swift test --skip-build --filter 'ONNXInteropFiles|ONNXTrainingFiles' 2>&1 \
  | grep -E 'imported as|trained|✘|error' || true
test -f "$OUT/cnnswift-branching.out0.cnnswift.f32" || { echo "the Swift side wrote nothing" >&2; exit 1; }

echo "== 3. cnnswift export --model-file cnnswift-branching.cnn"
.build/debug/cnnswift export --model-file "$OUT/cnnswift-branching.cnn" --onnx "$OUT/cli-branching.onnx"
for file in "$OUT"/cnnswift-branching.input.f32 "$OUT"/cnnswift-branching.out*.cnnswift.f32; do
  cp "$file" "$OUT/cli-${file##*/cnnswift-}"
done

echo "== 4. onnxruntime against cnnswift and PyTorch"
failed=0
"$VENV/bin/python" scripts/reference/onnx_interop.py compare "$OUT" || failed=1

FID="$OUT/fidelity"
mkdir -p "$FID"
echo "== 5. Fidelity: PyTorch's LeNet, ResNet-20 and MobileNet-style network through cnnswift infer ($FID)"
OMP_NUM_THREADS=1 "$VENV/bin/python" scripts/reference/onnx_interop.py fidelity-export "$FID"
CNN=.build/debug/cnnswift
for model in $("$VENV/bin/python" -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))))' "$FID/fidelity.json"); do
  stem="$FID/$model"
  infer=(infer --model-file "$stem.onnx" --data "$stem.in.npy" --latency-images 0 --batch 25)
  "$CNN" "${infer[@]}" --outputs "$stem.out1.npy" >"$stem.infer1.log" 2>&1 ||
    { echo "cnnswift infer failed on 1 rank: $stem.infer1.log" >&2; tail -n 3 "$stem.infer1.log" >&2; failed=1; }
  mpiexec.mpich -n 2 "$CNN" "${infer[@]}" --outputs "$stem.out2.npy" >"$stem.infer2.log" 2>&1 ||
    { echo "cnnswift infer failed on 2 ranks: $stem.infer2.log" >&2; tail -n 3 "$stem.infer2.log" >&2; failed=1; }
  # 6. The round trip through a .cnn file.
  { "$CNN" export --model-file "$stem.onnx" --cnn "$stem.cnn" &&
    "$CNN" export --model-file "$stem.cnn" --onnx "$stem.again.onnx"; } >"$stem.export.log" 2>&1 ||
    { echo "cnnswift export failed: $stem.export.log" >&2; tail -n 3 "$stem.export.log" >&2; failed=1; }
done
echo "== 5, 6. onnxruntime against cnnswift infer, and the round trip through cnnswift export"
OMP_NUM_THREADS=1 "$VENV/bin/python" scripts/reference/onnx_interop.py fidelity-compare "$FID" || failed=1

echo "== 7. PyTorch's exports trained on in cnnswift as in PyTorch (3 SGD steps; onnxruntime on the trained export)"
"$VENV/bin/python" scripts/reference/onnx_training.py compare "$OUT/training" || failed=1
exit "$failed"
