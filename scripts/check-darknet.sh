#!/usr/bin/env bash
# check-darknet.sh: cnnswift's darknet models against darknet itself, with the same random weights file.
#
# Usage: scripts/check-darknet.sh --libdarknet PATH/libdarknet.so --cfg-dir PATH/darknet/cfg
#            [--out DIR] [--inputs 3] [--seed 3] [--cnnswift PATH] [--tolerance 1e-3]
#   Run it without --libdarknet to learn how to build darknet by hand (nothing of darknet is in this
#   repository: you build libdarknet.so yourself and give its path and darknet's cfg folder).
#
#   Models: tiny-YOLOv2 (yolov2-tiny.cfg, 416×416, ending in its [region] layer) and YOLOv2
#   (yolov2.cfg) cut to darknet's layers 0-15 (DeepThings' fused layers), written as
#   OUT/yolov2-first16.cfg: [net] with width and height 416, then the first 16 sections after it
#   (darknet numbers every section after [net] from 0), ending in the 1×1 convolution of 256 filters.
#   For each model:
#     1. `cnnswift export --model-file X.cfg --seed S --darknet-weights X.weights` writes seeded weights
#        (biases 0, batch-norm scales 1, means 0, variances 1, as cnnswift draws them), and
#        darknet_outputs.py perturb copies them to X-bn.weights with every bias, scale, rolling mean and
#        rolling variance redrawn (so the order of those blocks in the file counts too).
#     2. darknet_outputs.py inputs writes --inputs seeded uniform [0, 1) RGB inputs, float32 N×3×416×416.
#     3. darknet (scripts/reference/darknet_outputs.py through ctypes: load_network, set_batch_network 1,
#        network_predict on each input in CHW order) gives the last layer's output for each weights file;
#        `cnnswift infer --model-file X.cfg --weights W --data in.npy --outputs out.npy
#        --latency-images 0` gives cnnswift's: on 1 rank with every input in one batch, and at
#        --batch 1 on 1 rank and on 2 (mpiexec.mpich -n 2, the inputs split 2 + 1 over the ranks).
#     4. darknet_outputs.py compare prints a row per run. tiny-YOLOv2 is compared in darknet's region form:
#        cnnswift's output (the raw 425×13×13 convolution before [region]) gets the region layer's
#        logistic on x, y and objectness and softmax over the 80 class scores, in darknet's own layout
#        (the mapping is in darknet_outputs.py's header).
#   Relative difference, per input: max|cnnswift − darknet| / max|darknet| over the whole output; the
#   table gives the largest over the inputs, the target is --tolerance (1e-3). The outputs of 1 and 2
#   ranks at batch 1 must also be the same bytes (another batch size may round differently).
#
#   Detections: tiny-YOLOv2 and tiny-YOLOv3 (yolov3-tiny.cfg: two [yolo] heads, [upsample], [route]),
#   each with its seeded and its redrawn weights file, on two seeded test pictures the script draws and
#   writes as PNG (darknet_outputs.py image): 640×480 (letterboxed to 416×312, bars above and below) and
#   333×500 (277×416, bars of 69 and 70 columns). darknet_outputs.py detect runs darknet's detection
#   path (load_image_color, letterbox_image, network_predict, get_network_boxes with relative boxes,
#   do_nms_sort at 0.45) and `cnnswift detect --model-file X.cfg --weights W --image A --image B
#   --threshold T --json` gives cnnswift's boxes; darknet_outputs.py compare-detections matches them as
#   sets per image and class: confidence within 1e-3 relative, x, y, w, h (top-left corner and size in
#   pixels) within 0.5 pixel or 1e-3 relative. Random weights make tiny class probabilities (region) or
#   saturated ones (yolo), so each weights file has its own threshold (in the table) giving a few
#   hundred boxes. A box alone on one side whose confidence is within 1e-3 of the threshold, or whose
#   overlap with a more confident box is within 1e-3 of the NMS limit, is an edge case (float rounding
#   decides it), counted and listed but not a miss.
#
# Exit status: 0 when every row is within the tolerance, 1 and 2 ranks agree and every box is matched;
# 1 on a miss or a failure; 2 on bad arguments or without --libdarknet.
# Needs python3 with numpy, MPICH's mpiexec.mpich, and cnnswift (built in release unless --cnnswift).
# Output (--out, default a new /tmp/cnnswift-darknet-XXXXXX): the cfgs, weights, inputs, outputs
# (*.darknet.npy; *.cnnswift-1.npy, -1b1.npy, -2b1.npy and their logs), the test pictures (*.png),
# the boxes (*.boxes.darknet.json, *.boxes.cnnswift.json and logs), table.md.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LIBDARKNET=""
CFG_DIR=""
OUT=""
INPUTS=3
SEED=3
CNNSWIFT=""
TOLERANCE=1e-3
MPIEXEC=mpiexec.mpich

explain_darknet() {
  cat <<'EOF'
This script needs --libdarknet PATH/libdarknet.so and --cfg-dir PATH/darknet/cfg: darknet itself,
built by you outside this repository (none of darknet's code, cfgs or binaries are committed here).

Take the source of pjreddie/darknet on GitHub (the checked commit: f6afaab), unpack it somewhere
outside this repository, and build its shared library with its own Makefile on the CPU only:
`mkdir -p obj && make GPU=0 CUDNN=0 OPENCV=0 OPENMP=0 libdarknet.so` in its folder (the Makefile
does not create obj/ when only libdarknet.so is asked for). Its cfg/ folder holds yolov2-tiny.cfg,
yolov2.cfg and yolov3-tiny.cfg. Then run this script again with --libdarknet DARKNET/libdarknet.so --cfg-dir
DARKNET/cfg. docs/benchmarks.md ("cnnswift against darknet") gives the commands used here.
EOF
}

die() { printf 'check-darknet.sh: %s\n' "$*" >&2; exit "${2:-1}"; }
need_value() { [[ $# -ge 2 && -n "$2" ]] || die "option $1 needs a value" 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --libdarknet) need_value "$@"; LIBDARKNET="$2"; shift 2 ;;
    --cfg-dir) need_value "$@"; CFG_DIR="$2"; shift 2 ;;
    --out) need_value "$@"; OUT="$2"; shift 2 ;;
    --inputs) need_value "$@"; INPUTS="$2"; shift 2 ;;
    --seed) need_value "$@"; SEED="$2"; shift 2 ;;
    --cnnswift) need_value "$@"; CNNSWIFT="$2"; shift 2 ;;
    --tolerance) need_value "$@"; TOLERANCE="$2"; shift 2 ;;
    -h|--help) sed -n '2,51p' "$0"; exit 0 ;;
    *) die "unknown option $1" 2 ;;
  esac
done
if [ -z "$LIBDARKNET" ] || [ -z "$CFG_DIR" ]; then explain_darknet >&2; exit 2; fi
[ -f "$LIBDARKNET" ] || die "--libdarknet $LIBDARKNET: no such file" 2
for cfg in yolov2-tiny.cfg yolov2.cfg yolov3-tiny.cfg; do
  [ -f "$CFG_DIR/$cfg" ] || die "--cfg-dir $CFG_DIR: no $cfg there" 2
done
[[ "$INPUTS" =~ ^[1-9][0-9]*$ ]] || die "--inputs $INPUTS: a positive count" 2
[[ "$SEED" =~ ^[0-9]+$ ]] || die "--seed $SEED: a non-negative integer" 2
command -v "$MPIEXEC" > /dev/null || die "$MPIEXEC is not installed (MPICH)"
python3 -c 'import numpy' 2> /dev/null || die "python3 with numpy is needed"
LIBDARKNET="$(cd "$(dirname "$LIBDARKNET")" && pwd)/$(basename "$LIBDARKNET")"
CFG_DIR="$(cd "$CFG_DIR" && pwd)"
OUT="${OUT:-$(mktemp -d /tmp/cnnswift-darknet-XXXXXX)}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
cd "$REPO_ROOT"
if [ -z "$CNNSWIFT" ]; then
  swift build -c release --product cnnswift
  CNNSWIFT="$REPO_ROOT/.build/release/cnnswift"
fi
[ -x "$CNNSWIFT" ] || die "--cnnswift $CNNSWIFT: not an executable" 2
REFERENCE=(python3 "$REPO_ROOT/scripts/reference/darknet_outputs.py")

echo "darknet: $LIBDARKNET; cfgs: $CFG_DIR; cnnswift: $CNNSWIFT; output: $OUT"
echo "== cfgs and inputs"
cp "$CFG_DIR/yolov2-tiny.cfg" "$OUT/yolov2-tiny.cfg"
"${REFERENCE[@]}" cut "$CFG_DIR/yolov2.cfg" 16 "$OUT/yolov2-first16.cfg" --width 416 --height 416
"${REFERENCE[@]}" inputs "$OUT/inputs.npy" --count "$INPUTS" --seed "$SEED" --size 3,416,416
echo "$OUT/yolov2-first16.cfg: [net] at 416×416 and darknet's layers 0-15 of yolov2.cfg"
echo "$OUT/inputs.npy: $INPUTS seeded uniform [0, 1) inputs, float32 ${INPUTS}×3×416×416"

ROWS=()
failed=0
for model in yolov2-tiny yolov2-first16; do
  cfg="$OUT/$model.cfg"
  echo "== $model"
  "$CNNSWIFT" export --model-file "$cfg" --seed "$SEED" --darknet-weights "$OUT/$model.weights"
  "${REFERENCE[@]}" perturb "$cfg" "$OUT/$model.weights" "$OUT/$model-bn.weights" --seed "$SEED"
  for weights in "$model" "$model-bn"; do
    "${REFERENCE[@]}" darknet --libdarknet "$LIBDARKNET" --cfg "$cfg" --weights "$OUT/$weights.weights" \
      --data "$OUT/inputs.npy" --out "$OUT/$weights.darknet.npy" 2> "$OUT/$weights.darknet.log" \
      || { tail -5 "$OUT/$weights.darknet.log" >&2; die "darknet failed on $weights.weights"; }
    tail -1 "$OUT/$weights.darknet.log"
    # runs: 1 rank with every input in one batch; 1 and 2 ranks at batch 1 (2 ranks get 2 and 1 of 3 inputs:
    # contiguous runs of whole batches), whose files must be the same bytes
    for run in 1 1b1 2b1; do
      command=("$CNNSWIFT" infer --model-file "$cfg" --weights "$OUT/$weights.weights" --data "$OUT/inputs.npy"
        --outputs "$OUT/$weights.cnnswift-$run.npy" --latency-images 0)
      case "$run" in
        1) ranks="1 (batch $INPUTS)" ;;
        1b1) command+=(--batch 1); ranks="1 (batch 1)" ;;
        2b1) command=("$MPIEXEC" -n 2 "${command[@]}" --batch 1); ranks="2 (batch 1)" ;;
      esac
      "${command[@]}" > "$OUT/$weights.cnnswift-$run.log" 2>&1 \
        || { tail -5 "$OUT/$weights.cnnswift-$run.log" >&2; die "cnnswift infer failed on $weights, $ranks"; }
      label="$model | $([ "$weights" = "$model" ] && echo "seeded (export)" || echo "seeded + BN and biases redrawn") | $ranks"
      if row="$("${REFERENCE[@]}" compare --cfg "$cfg" --darknet "$OUT/$weights.darknet.npy" \
        --cnnswift "$OUT/$weights.cnnswift-$run.npy" --label "$label" --tolerance "$TOLERANCE")"; then :; else
        failed=1
      fi
      ROWS+=("$row")
      echo "$row"
    done
    if ! cmp -s "$OUT/$weights.cnnswift-1b1.npy" "$OUT/$weights.cnnswift-2b1.npy"; then
      echo "cnnswift's outputs at batch 1 on 1 and 2 ranks differ for $weights" >&2
      failed=1
    fi
  done
done

echo "== detections"
"${REFERENCE[@]}" image "$OUT/picture-640x480.png" --width 640 --height 480 --seed "$SEED" \
  --pixels "$OUT/picture-640x480.npy"
"${REFERENCE[@]}" image "$OUT/picture-333x500.png" --width 333 --height 500 --seed "$((SEED + 1))" \
  --pixels "$OUT/picture-333x500.npy"
echo "$OUT/picture-640x480.png, picture-333x500.png: seeded test pictures (gradients, shapes, noise)"
cp "$CFG_DIR/yolov3-tiny.cfg" "$OUT/yolov3-tiny.cfg"
"$CNNSWIFT" export --model-file "$OUT/yolov3-tiny.cfg" --seed "$SEED" --darknet-weights "$OUT/yolov3-tiny.weights"
"${REFERENCE[@]}" perturb "$OUT/yolov3-tiny.cfg" "$OUT/yolov3-tiny.weights" "$OUT/yolov3-tiny-bn.weights" \
  --seed "$SEED"
BOX_ROWS=()
# weights file, cfg, threshold (a few hundred boxes over the two pictures with these seeded weights)
for run in "yolov2-tiny yolov2-tiny 0.1" "yolov2-tiny-bn yolov2-tiny 0.3" "yolov3-tiny yolov3-tiny 0.8" \
  "yolov3-tiny-bn yolov3-tiny 0.99"; do
  read -r weights model threshold <<< "$run"
  pictures=(--image "$OUT/picture-640x480.png" --image "$OUT/picture-333x500.png")
  "${REFERENCE[@]}" detect --libdarknet "$LIBDARKNET" --cfg "$OUT/$model.cfg" --weights "$OUT/$weights.weights" \
    "${pictures[@]}" --pixels "$OUT/picture-640x480.npy" --pixels "$OUT/picture-333x500.npy" \
    --threshold "$threshold" --nms 0.45 --out "$OUT/$weights.boxes.darknet.json" \
    2> "$OUT/$weights.boxes.darknet.log" \
    || { tail -5 "$OUT/$weights.boxes.darknet.log" >&2; die "darknet's detection failed on $weights.weights"; }
  grep '^darknet:' "$OUT/$weights.boxes.darknet.log"
  "$CNNSWIFT" detect --model-file "$OUT/$model.cfg" --weights "$OUT/$weights.weights" "${pictures[@]}" \
    --threshold "$threshold" --nms 0.45 --json > "$OUT/$weights.boxes.cnnswift.json" \
    2> "$OUT/$weights.boxes.cnnswift.log" \
    || { tail -5 "$OUT/$weights.boxes.cnnswift.log" >&2; die "cnnswift detect failed on $weights"; }
  label="$model | $([ "$weights" = "$model" ] && echo "seeded (export)" || echo "seeded + BN and biases redrawn")"
  if row="$("${REFERENCE[@]}" compare-detections --darknet "$OUT/$weights.boxes.darknet.json" \
    --cnnswift "$OUT/$weights.boxes.cnnswift.json" --label "$label" --threshold "$threshold" --nms 0.45)"
  then :; else
    failed=1
  fi
  BOX_ROWS+=("$row")
  echo "$row"
done

{
  echo
  echo "relative difference: per input max|cnnswift − darknet| / max|darknet| over the whole output, the largest"
  echo "over $INPUTS inputs; tiny-YOLOv2 in darknet's region form (logistic x, y, objectness; softmax classes)"
  echo
  echo "| model | weights | ranks | inputs × values | max relative difference | max abs diff / max abs darknet | target | |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "detections on picture-640x480.png and picture-333x500.png together, NMS 0.45: boxes matched as sets per"
  echo "image and class (confidence within 1e-3 relative; x, y, w, h within 0.5 px or 1e-3 relative); Δ x, y, w, h"
  echo "in pixels where |value| ≤ 500 px, relative beyond (random weights make boxes up to 1e5 px and more)"
  echo
  echo "| model | weights | threshold | darknet boxes | cnnswift boxes | matched | edge cases | max Δconfidence (relative) | max Δx,y,w,h (px) | max Δx,y,w,h (relative, > 500 px) | |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${BOX_ROWS[@]}"
} | tee "$OUT/table.md"
if [ "$failed" = 0 ]; then
  echo "every row within $TOLERANCE; at batch 1, 1 and 2 ranks gave the same bytes; every box matched"
else
  echo "check-darknet.sh: a miss (see above)" >&2
fi
exit "$failed"
