#!/usr/bin/env bash
# check-onnx-interop.sh: cnnswift's ONNX export and import against onnxruntime and PyTorch.
#
# Usage: scripts/check-onnx-interop.sh [--out DIR] [--venv DIR]
#
#   1. PyTorch exports a LeNet, a pre-activation ResNet with batch normalization, and a branching
#      model (ZeroPad2d, leaky ReLU, concatenation, nearest upsampling, padded average pooling,
#      dropout, softmax) with torch.onnx.export(dynamo=False), with fixed inputs and its outputs.
#   2. A Swift test (ONNXInteropFiles, run only when CNNSWIFT_ONNX_INTEROP_DIR is set) exports
#      cnnswift's lenet, resnet8 and a branching graph of every other layer (reorg, darknet batch
#      normalization, upsampling, grouped and dilated convolutions, two outputs) with their inputs
#      and outputs, and imports PyTorch's models and runs them.
#   3. `cnnswift export` writes the branching model again from its .cnn file (the command's path).
#   4. onnxruntime runs every .onnx; the table gives the largest |difference| per output from
#      cnnswift's, and from PyTorch's. Exits 1 when one is over 1e-4.
#   5. Training (scripts/reference/onnx_training.py, Swift test ONNXTrainingFiles): a LeNet with batch
#      normalization and a residual network, exported for training, train 3 SGD steps in PyTorch and in
#      cnnswift from the .onnx file; each step's loss and the trained models' outputs (cnnswift's, and
#      onnxruntime's on cnnswift's export of the trained model) must match PyTorch's within 1e-4.
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
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
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
"$VENV/bin/python" scripts/reference/onnx_interop.py compare "$OUT"

echo "== 5. PyTorch's exports trained on in cnnswift as in PyTorch (3 SGD steps; onnxruntime on the trained export)"
"$VENV/bin/python" scripts/reference/onnx_training.py compare "$OUT/training"
