#!/usr/bin/env bash
# bench-cnn-vs-onnxruntime.sh: cnnswift's inference against onnxruntime's on the same models, one
# thread, batch 1, alternating; and the peak memory of tiny-YOLOv2 in cnnswift against its bound.
#
# Usage:
#   scripts/bench-cnn-vs-onnxruntime.sh [--cfg yolov2-tiny.cfg] [--pairs 5] [--out DIR]
#       [--venv DIR] [--bin-dir .build/release] [--no-build] [--quick]
#
#   --cfg PATH   darknet's yolov2-tiny.cfg (pjreddie/darknet, cfg/yolov2-tiny.cfg; not in this
#                repository). Without it tiny-YOLOv2 is left out of the table and the memory check.
#   --pairs N    alternating pairs per model (default 5); --quick: 1 pair, fewer images.
#
# Models: PyTorch's LeNet (1×28×28), ResNet-20 and the MobileNet-style network (3×32×32) of
# scripts/reference/onnx_interop.py (fidelity-export: seeded weights, calibrated BN statistics,
# torch.onnx.export in eval mode), which both run from the same .onnx file (cnnswift imports it);
# tiny-YOLOv2 at 416×416: cnnswift runs the cfg with seeded weights (seed 1), onnxruntime the file
# `cnnswift export --model-file CFG --seed 1 --onnx` writes (the same weights).
# What is timed, on both sides: one forward pass of one image [1, C, H, W] already in memory, the
# model loaded and warmed up (10 unmeasured passes), each pass timed alone; the figure is the median
# (p50) over the run's images. cnnswift: the p50 that `cnnswift infer --batch 1 --latency-images N`
# reports (rank 0's Network.forwardOutputs, a single rank). onnxruntime: session.run in
# scripts/reference/onnxruntime_latency.py (intra_op_num_threads = inter_op_num_threads = 1).
# Each pair runs both back to back, in alternating order (cnnswift first in odd pairs); the speed
# ratio is onnxruntime's time / cnnswift's per pair, and the table gives the medians (target ≥ 0.8).
# Each pair also runs onnxruntime at ORT_ENABLE_EXTENDED (next to cnnswift in the same order): its
# fusions without the layout transformation that runs convolutions in its blocked NCHWc layout with
# direct kernels, i.e. im2col and sgemm as in cnnswift (informative; the target is against the default).
# The machine drifts ±20 % over minutes: compare only the ratios, never figures of another run.
# BLAS: cnnswift on OpenBLAS for this run only (LD_LIBRARY_PATH=/usr/lib/<multiarch>/openblas-pthread,
# OPENBLAS_NUM_THREADS=1, OPENBLAS_CORETYPE from the CPU flags unless set; see docs/blas.md); needs
# libopenblas0-pthread. OMP_NUM_THREADS=1 for both.
# Memory: tiny-YOLOv2's peak resident set (/usr/bin/time %M, which is VmHWM) of one `cnnswift infer`
# of one image at batch 1 on one rank, loading included, against 1.3 × (weights + the two largest
# layer outputs at batch 1) + 40 MiB, weights as 4 bytes per value of `cnnswift models --describe`'s
# "parameters:" line and the outputs from its per-node shapes (4 bytes per value).
# The Python packages (onnx, onnxruntime, numpy, torch 2.13.0+cpu) go into a scratch venv, by
# default /tmp/cnnswift-onnx-venv, as for scripts/check-onnx-interop.sh.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CFG=""
PAIRS=5
OUT=""
VENV=/tmp/cnnswift-onnx-venv
BIN_DIR="$REPO_ROOT/.build/release"
BUILD=1
QUICK=0

usage() { sed -n '2,37p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { printf 'bench-cnn-vs-onnxruntime: error: %s\n' "$*" >&2; exit 1; }
note() { printf 'bench-cnn-vs-onnxruntime: %s\n' "$*" >&2; }
need_value() { [[ $# -ge 2 && -n "$2" ]] || die "option $1 needs a value"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --cfg) need_value "$@"; CFG="$2"; shift 2 ;;
    --pairs) need_value "$@"; PAIRS="$2"; shift 2 ;;
    --out) need_value "$@"; OUT="$2"; shift 2 ;;
    --venv) need_value "$@"; VENV="$2"; shift 2 ;;
    --bin-dir) need_value "$@"; BIN_DIR="$2"; BUILD=0; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --quick) PAIRS=1; QUICK=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[[ "$PAIRS" =~ ^[1-9][0-9]*$ ]] || die "--pairs takes a positive integer"
if [[ -n "$CFG" ]]; then
  [[ -f "$CFG" ]] || die "--cfg $CFG: no such file"
  CFG="$(cd "$(dirname "$CFG")" && pwd)/$(basename "$CFG")"
fi
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
MULTIARCH="$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"
OPENBLAS_DIR="/usr/lib/$MULTIARCH/openblas-pthread"
[[ -e "$OPENBLAS_DIR/libblas.so.3" ]] || die "OpenBLAS is missing: apt-get install libopenblas0-pthread (docs/blas.md)"

cd "$REPO_ROOT"
if [[ "$BUILD" == 1 ]]; then
  note "swift build -c release --product cnnswift"
  swift build -c release --product cnnswift >&2
fi
BIN_DIR="$(cd "$BIN_DIR" 2>/dev/null && pwd)" || die "--bin-dir: no such folder"
CNN="$BIN_DIR/cnnswift"
[[ -x "$CNN" ]] || die "no $CNN: swift build -c release --product cnnswift"
if ! "$VENV/bin/python" -c 'import onnx, onnxruntime, torch, numpy' 2>/dev/null; then
  note "installing onnx, onnxruntime, numpy and torch 2.13.0+cpu into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet onnx onnxruntime numpy "torch==2.13.0+cpu"
fi
PY="$VENV/bin/python"
OUT="${OUT:-$REPO_ROOT/results/bench-onnxruntime-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT/models"

# OpenBLAS for cnnswift, for this run only; the core from the CPU flags (docs/blas.md) unless set.
if [[ -z "${OPENBLAS_CORETYPE:-}" ]]; then
  if grep -qw avx512f /proc/cpuinfo; then OPENBLAS_CORETYPE=SkylakeX
  elif grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then OPENBLAS_CORETYPE=Haswell
  fi
fi
CNN_ENV=(env LD_LIBRARY_PATH="$OPENBLAS_DIR" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1)
[[ -n "${OPENBLAS_CORETYPE:-}" ]] && CNN_ENV+=(OPENBLAS_CORETYPE="$OPENBLAS_CORETYPE")
ORT_ENV=(env OMP_NUM_THREADS=1)

note "models into $OUT/models"
OMP_NUM_THREADS=1 "$PY" scripts/reference/onnx_interop.py fidelity-export "$OUT/models" >"$OUT/models/export.log" 2>&1 ||
  die "the PyTorch export failed: $OUT/models/export.log"
grep -v -i warn "$OUT/models/export.log" | grep '\.onnx (' | grep -v -- '-bn\.onnx' >&2 || true
# name, cnnswift's model file, onnxruntime's, inputs, timed images per run
MODELS=(
  "LeNet $OUT/models/lenet.onnx $OUT/models/lenet.onnx $OUT/models/lenet.in.npy 2000"
  "ResNet-20 $OUT/models/resnet20.onnx $OUT/models/resnet20.onnx $OUT/models/resnet20.in.npy 500"
  "MobileNet-style $OUT/models/mobilenet.onnx $OUT/models/mobilenet.onnx $OUT/models/mobilenet.in.npy 1000"
)
if [[ -n "$CFG" ]]; then
  "$CNN" export --model-file "$CFG" --seed 1 --onnx "$OUT/models/tiny-yolov2.onnx" >&2
  "$PY" -c 'import numpy as np, sys; np.save(sys.argv[1], np.random.default_rng(1).uniform(0, 1, (8, 3, 416, 416)).astype("<f4"))' \
    "$OUT/models/tiny-yolov2.in.npy"
  "$PY" -c 'import numpy as np, sys; np.save(sys.argv[1], np.load(sys.argv[2])[:1])' \
    "$OUT/models/tiny-yolov2.in1.npy" "$OUT/models/tiny-yolov2.in.npy"
  MODELS+=("tiny-YOLOv2 $CFG $OUT/models/tiny-yolov2.onnx $OUT/models/tiny-yolov2.in.npy 30")
else
  note "no --cfg: tiny-YOLOv2 is left out (give darknet's yolov2-tiny.cfg)"
fi

median() {
  printf '%s\n' "$@" | awk '$1 ~ /^[0-9.eE+-]+$/' | sort -g |
    awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# cnn_latency LABEL MODEL INPUTS IMAGES: cnnswift's p50 ms at batch 1.
cnn_latency() {
  local log="$OUT/$1.log"
  "${CNN_ENV[@]}" "$CNN" infer --model-file "$2" --data "$3" --outputs "$OUT/$1.out.npy" --batch 1 \
    --latency-images "$4" >"$log" 2>&1 || die "cnnswift infer failed: $log"
  sed -n 's/^latency at batch 1 .*: p50 \([0-9.]*\) ms.*/\1/p' "$log"
}
# ort_latency LABEL MODEL INPUTS IMAGES [all|extended]: onnxruntime's p50 ms at batch 1.
ort_latency() {
  local log="$OUT/$1.log"
  "${ORT_ENV[@]}" "$PY" scripts/reference/onnxruntime_latency.py "$2" "$3" "$4" "${5:-all}" >"$log" 2>&1 ||
    die "onnxruntime failed: $log"
  "$PY" -c 'import json, sys; print(round(json.loads(open(sys.argv[1]).read().splitlines()[-1])["p50_ms"], 4))' "$log"
}

"${CNN_ENV[@]}" "$CNN" sgemm --n 1024 --repeat 3 >"$OUT/sgemm.log" 2>&1 || true
note "$(head -n 1 "$OUT/sgemm.log")"
note "$(tail -n 1 "$OUT/sgemm.log"); onnxruntime $("$PY" -c 'import onnxruntime; print(onnxruntime.__version__)')"

declare -A OURS THEIRS RATIOS NCHW NCHW_RATIOS
for (( p = 1; p <= PAIRS; p++ )); do
  for entry in "${MODELS[@]}"; do
    read -r name ours_model their_model inputs images <<<"$entry"
    [[ "$QUICK" == 1 ]] && images=$(( images / 5 > 10 ? images / 5 : 10 ))
    label="$(tr 'A-Z' 'a-z' <<<"$name")-$p"
    if (( p % 2 == 1 )); then
      ours="$(cnn_latency "cnnswift-$label" "$ours_model" "$inputs" "$images")"
      theirs="$(ort_latency "onnxruntime-$label" "$their_model" "$inputs" "$images")"
      nchw="$(ort_latency "onnxruntime-extended-$label" "$their_model" "$inputs" "$images" extended)"
    else
      nchw="$(ort_latency "onnxruntime-extended-$label" "$their_model" "$inputs" "$images" extended)"
      theirs="$(ort_latency "onnxruntime-$label" "$their_model" "$inputs" "$images")"
      ours="$(cnn_latency "cnnswift-$label" "$ours_model" "$inputs" "$images")"
    fi
    [[ -n "$ours" && -n "$theirs" && -n "$nchw" ]] || die "no latency for $name in pair $p (see $OUT/*-$label.log)"
    OURS[$name]+="$ours "; THEIRS[$name]+="$theirs "; NCHW[$name]+="$nchw "
    RATIOS[$name]+="$(awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "%.4f", a / b }') "
    NCHW_RATIOS[$name]+="$(awk -v a="$nchw" -v b="$ours" 'BEGIN { printf "%.4f", a / b }') "
    note "pair $p/$PAIRS $name: cnnswift $ours ms, onnxruntime $theirs ms (ORT_ENABLE_EXTENDED $nchw ms)"
  done
done

printf '\ncnnswift (OpenBLAS, core %s) against onnxruntime %s, one thread, batch 1, median of %d alternating pairs\n' \
  "${OPENBLAS_CORETYPE:-default}" "$("$PY" -c 'import onnxruntime; print(onnxruntime.__version__)')" "$PAIRS"
printf '%-16s %18s %21s %12s %8s  %-12s %18s %8s\n' model "cnnswift ms/image" "onnxruntime ms/image" "speed ratio" \
  target result "ORT NCHW ms/image" ratio
for entry in "${MODELS[@]}"; do
  read -r name _ <<<"$entry"
  ratio="$(median ${RATIOS[$name]})"
  verdict="$(awk -v r="$ratio" 'BEGIN { print (r >= 0.8 ? (r >= 1.0 ? "met (≥ 1.0)" : "met") : "MISSED") }')"
  printf '%-16s %18.3f %21.3f %12.2f %8s  %-12s %18.3f %8.2f\n' "$name" "$(median ${OURS[$name]})" \
    "$(median ${THEIRS[$name]})" "$ratio" "≥ 0.8" "$verdict" "$(median ${NCHW[$name]})" "$(median ${NCHW_RATIOS[$name]})"
done
printf '(speed ratio: onnxruntime time / cnnswift time, the median of the per-pair ratios; ORT NCHW:\n'
printf ' onnxruntime at ORT_ENABLE_EXTENDED, without its NCHWc convolution kernels, and its ratio likewise)\n'

if [[ -n "$CFG" ]]; then
  note "tiny-YOLOv2 peak memory"
  "$CNN" models --describe "$CFG" --batch 1 >"$OUT/describe.txt"
  weights_values="$(sed -n 's/^parameters: \([0-9,]*\) values.*/\1/p' "$OUT/describe.txt" | tr -d ,)"
  # The two largest node outputs at batch 1: each node row's output shape (the fourth field from the end).
  read -r first second < <(awk '$1 ~ /^[0-9]+$/ { n = split($(NF - 3), d, "×"); v = 1; for (i = 1; i <= n; i++) v *= d[i]; print v }' \
    "$OUT/describe.txt" | sort -g -r | head -n 2 | paste -s -d ' ')
  [[ -n "$weights_values" && -n "$first" && -n "$second" ]] || die "cannot read $OUT/describe.txt"
  rss=()
  for (( p = 1; p <= 3; p++ )); do
    "${CNN_ENV[@]}" /usr/bin/time -f %M -o "$OUT/rss-cnnswift-$p" "$CNN" infer --model-file "$CFG" \
      --data "$OUT/models/tiny-yolov2.in1.npy" --outputs "$OUT/rss.out.npy" --batch 1 --latency-images 0 \
      >"$OUT/rss-cnnswift-$p.log" 2>&1 || die "cnnswift infer failed: $OUT/rss-cnnswift-$p.log"
    rss+=("$(tail -n 1 "$OUT/rss-cnnswift-$p")")
  done
  "${ORT_ENV[@]}" /usr/bin/time -f %M -o "$OUT/rss-onnxruntime" "$PY" scripts/reference/onnxruntime_latency.py \
    "$OUT/models/tiny-yolov2.onnx" "$OUT/models/tiny-yolov2.in1.npy" 1 >/dev/null 2>&1 || true
  awk -v w="$weights_values" -v a="$first" -v b="$second" -v kib="$(median "${rss[@]}")" \
    -v ort="$(tail -n 1 "$OUT/rss-onnxruntime" 2>/dev/null || echo nan)" 'BEGIN {
      mib = 1048576; weights = 4 * w / mib; acts = 4 * (a + b) / mib; bound = 1.3 * (weights + acts) + 40
      peak = kib / 1024
      printf "\ntiny-YOLOv2 peak resident memory, cnnswift infer, 1 rank, batch 1 (MiB = 2^20 bytes)\n"
      printf "%-58s %10.2f MiB\n", "weights (" w " values × 4 bytes)", weights
      printf "%-58s %10.2f MiB\n", "two largest layer outputs (" a " + " b " values × 4)", acts
      printf "%-58s %10.2f MiB\n", "bound 1.3 × (weights + outputs) + 40 MiB", bound
      printf "%-58s %10.2f MiB  %s\n", "cnnswift peak RSS (median of 3 runs)", peak, (peak <= bound ? "within" : "OVER the bound")
      if (ort ~ /^[0-9]+$/) printf "%-58s %10.2f MiB\n", "(onnxruntime from Python, for reference)", ort / 1024
    }'
fi
printf '\nfiles in %s\n' "$OUT"
