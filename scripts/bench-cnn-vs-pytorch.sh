#!/usr/bin/env bash
# bench-cnn-vs-pytorch.sh: cnnswift against PyTorch (CPU, one thread per process) on the same
# models, data, batch and optimizer, alternating, on ATLAS and/or OpenBLAS.
#
# Usage:
#   scripts/bench-cnn-vs-pytorch.sh [--blas atlas|openblas|both] [--pairs 3] [--accuracy-epochs 5]
#       [--resnet-steps 30] [--out DIR] [--bin-dir .build/release] [--quick]
#
# Measurements (each prints cnnswift's figure next to PyTorch's from the same session):
#   1. LeNet-5, Fashion-MNIST, batch 64, SGD lr 0.01 momentum 0.9: training images/s over one
#      epoch on one process, --pairs alternating pairs, medians.
#   2. LeNet-5 test accuracy after --accuracy-epochs epochs (once per framework).
#   3. ResNet-20, batch 32, random 3×32×32 input, --resnet-steps steps: images/s on 1 process and
#      on 2 (cnnswift: mpiexec -n 2 --sync batch; PyTorch: DDP over gloo), alternating pairs.
#   4. LeNet-5 inference: p50/p99 latency at batch 1 and images/s at batch 256, one process.
#   5. The engine's effective GFLOP/s (3 × the forward FLOPs of `cnnswift models` × images/s) next to
#      the BLAS's own sgemm rate (`cnnswift sgemm`, measured before and after the runs, the higher kept).
#   Speeds are medians over the pairs; each ratio is the median of the per-pair ratios (the two
#   runs of a pair ran back to back). Peak resident memory per process comes from /usr/bin/time -f %M.
# The PyTorch side is scripts/reference/pytorch_cnn.py (pip install "torch==2.13.0+cpu"). BLAS is
# chosen per run (LD_LIBRARY_PATH, OPENBLAS_NUM_THREADS=1), never system-wide.
# --quick: one pair, 1 accuracy epoch, 10 ResNet steps (checks the script in about two minutes).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BLAS_CHOICE=atlas
PAIRS=3
ACC_EPOCHS=5
RESNET_STEPS=30
OUT=""
BIN_DIR="$REPO_ROOT/.build/release"
MPIEXEC=mpiexec.mpich

usage() { sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { printf 'bench-cnn-vs-pytorch: error: %s\n' "$*" >&2; exit 1; }
note() { printf 'bench-cnn-vs-pytorch: %s\n' "$*" >&2; }
need_value() { [[ $# -ge 2 && -n "$2" ]] || die "option $1 needs a value"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --blas) need_value "$@"; BLAS_CHOICE="$2"; shift 2 ;;
    --pairs) need_value "$@"; PAIRS="$2"; shift 2 ;;
    --accuracy-epochs) need_value "$@"; ACC_EPOCHS="$2"; shift 2 ;;
    --resnet-steps) need_value "$@"; RESNET_STEPS="$2"; shift 2 ;;
    --out) need_value "$@"; OUT="$2"; shift 2 ;;
    --bin-dir) need_value "$@"; BIN_DIR="$2"; shift 2 ;;
    --quick) PAIRS=1; ACC_EPOCHS=1; RESNET_STEPS=10; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
for value in "$PAIRS" "$ACC_EPOCHS" "$RESNET_STEPS"; do
  [[ "$value" =~ ^[1-9][0-9]*$ ]] || die "--pairs, --accuracy-epochs and --resnet-steps take positive integers"
done
case "$BLAS_CHOICE" in atlas) BLASES=(atlas) ;; openblas) BLASES=(openblas) ;; both) BLASES=(atlas openblas) ;;
  *) die "--blas must be atlas, openblas or both" ;; esac
BIN_DIR="$(cd "$BIN_DIR" 2>/dev/null && pwd)" || die "--bin-dir: no such folder"
CNN="$BIN_DIR/cnnswift"
[[ -x "$CNN" ]] || die "no $CNN: swift build -c release"
PY="$REPO_ROOT/scripts/reference/pytorch_cnn.py"
python3 -c 'import torch' 2>/dev/null || die 'PyTorch is missing: pip install "torch==2.13.0+cpu"'
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
[[ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]] ||
  die "Fashion-MNIST is missing (apt-get install dataset-fashion-mnist)"
OUT="${OUT:-$REPO_ROOT/results/bench-cnn-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
MULTIARCH="$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"

blas_env() {  # prints KEY=VALUE lines for BLAS $1
  if [[ "$1" == openblas ]]; then
    echo "LD_LIBRARY_PATH=/usr/lib/$MULTIARCH/openblas-pthread"
    echo "OPENBLAS_NUM_THREADS=1"
  else
    echo "LD_LIBRARY_PATH=/usr/lib/$MULTIARCH/atlas"
  fi
}

median() {
  printf '%s\n' "$@" | awk '$1 ~ /^[0-9.eE+-]+$/' | sort -g |
    awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) print "-"; else printf "%.2f", a / b }'; }
# pair_ratio "A1 A2 …" "B1 B2 …": the median of the per-pair ratios A_i / B_i (each pair ran back to
# back, so the machine's drift between pairs cancels), two decimals.
pair_ratio() {
  local -a a=($1) b=($2) r=(); local i
  for (( i = 0; i < ${#a[@]} && i < ${#b[@]}; i++ )); do
    r+=("$(awk -v x="${a[$i]}" -v y="${b[$i]}" 'BEGIN { if (x ~ /^[0-9.]+$/ && y ~ /^[0-9.]+$/ && y > 0) printf "%.4f", x / y; else print "nan" }')")
  done
  awk -v m="$(median "${r[@]}")" 'BEGIN { if (m == "nan") print "-"; else printf "%.2f", m }'
}

# cnn_train BLAS RANKS LABEL ARGS...: runs cnnswift train; prints "images/s test_accuracy peak_rss_mib".
cnn_train() {
  local blas="$1" ranks="$2" label="$3"; shift 3
  local dir="$OUT/$label"; mkdir -p "$dir"
  local genv=(); while IFS= read -r kv; do genv+=(-genv "${kv%%=*}" "${kv#*=}"); done < <(blas_env "$blas")
  local segments=() r
  for (( r = 0; r < ranks; r++ )); do
    (( r == 0 )) || segments+=(:)
    segments+=(-n 1 /usr/bin/time -f %M -o "$dir/rss.$r" "$CNN" train --results "$dir/train.csv" "$@")
  done
  (cd "$dir" && "$MPIEXEC" "${genv[@]}" "${segments[@]}") >"$dir/stdout" 2>"$dir/stderr" || die "cnnswift failed: $dir/stderr"
  local ips acc rss
  ips="$(sed -n 's/.*, \([0-9.]*\) images\/s$/\1/p' "$dir/stdout" | tail -n 1)"
  acc="$(sed -n 's/.*test accuracy \([0-9.]*\),.*/\1/p' "$dir/stdout" | tail -n 1)"
  rss="$(cat "$dir"/rss.* | sort -n | tail -n 1 | awk '{ printf "%.0f", $1 / 1024 }')"
  echo "${ips:-nan} ${acc:-nan} ${rss:-nan}"
}

# torch_run BLAS LABEL ARGS...: runs the PyTorch script; prints its JSON line (and RSS in the JSON).
torch_run() {
  local label="$2"; shift 2
  local dir="$OUT/$label"; mkdir -p "$dir"
  # DDP's gloo teardown sometimes aborts a process after rank 0 printed its result ("terminate
  # called without an active exception"): keep a printed result, and retry once without one.
  local attempt
  for attempt in 1 2; do
    if (cd "$dir" && OMP_NUM_THREADS=1 python3 "$PY" "$@") >"$dir/stdout" 2>"$dir/stderr"; then
      tail -n 1 "$dir/stdout"; return
    fi
    if tail -n 1 "$dir/stdout" | grep -q '"framework": "pytorch"'; then
      note "PyTorch exited with an error after printing its result; kept (see $dir/stderr)"
      tail -n 1 "$dir/stdout"; return
    fi
    note "PyTorch failed (attempt $attempt): $dir/stderr"
  done
  die "PyTorch failed twice: $dir/stderr"
}
json() { python3 -c 'import json, sys; d = json.loads(sys.argv[1]); print(eval(sys.argv[2], {}, {"d": d}))' "$1" "$2"; }

# Forward MFLOPs per image of LeNet-5 (1×28×28) and ResNet-20 (3×32×32), from the engine's own table.
MODELS="$("$CNN" models --layers 20)"
lenet_mflops="$(awk '$1 == "lenet" { print $4 }' <<<"$MODELS")"
resnet_mflops="$(awk '$1 == "resnet20" { print $4 }' <<<"$MODELS")"
[[ -n "$lenet_mflops" && -n "$resnet_mflops" ]] || die "cannot read forward FLOPs from cnnswift models"
sgemm_rate() { env $(blas_env "$1") "$CNN" sgemm --n 1024 --repeat 5 | sed -n 's/^sgemm .*: \([0-9.]*\) GFLOP.*/\1/p'; }
gflops() { awk -v ips="$1" -v mf="$2" 'BEGIN { if (ips == "nan") print "nan"; else printf "%.1f", ips * 3 * mf / 1000 }'; }

for blas in "${BLASES[@]}"; do
  note "[$blas] 0. the BLAS's sgemm rate"
  sgemm_before="$(sgemm_rate "$blas")"
  note "[$blas] 1. LeNet-5 training speed, $PAIRS pair(s)"
  ours=() theirs=() ours_rss=() theirs_rss=()
  for (( p = 1; p <= PAIRS; p++ )); do
    read -r ips _ rss < <(cnn_train "$blas" 1 "$blas-lenet-speed-$p" --model lenet --batch 64 --epochs 1 --lr 0.01)
    ours+=("$ips"); ours_rss+=("$rss")
    j="$(torch_run "$blas" "$blas-torch-lenet-speed-$p" train --model lenet --batch 64 --epochs 1 --lr 0.01)"
    theirs+=("$(json "$j" 'round(d["epochs"][-1]["images_per_second"])')"); theirs_rss+=("$(json "$j" 'round(d["peak_rss_mib"])')")
  done
  lenet_ours="$(median "${ours[@]}")"; lenet_theirs="$(median "${theirs[@]}")"

  note "[$blas] 2. LeNet-5 accuracy after $ACC_EPOCHS epoch(s)"
  read -r _ acc_ours _ < <(cnn_train "$blas" 1 "$blas-lenet-accuracy" --model lenet --batch 64 --epochs "$ACC_EPOCHS" --lr 0.01 \
    --save "$OUT/lenet-$blas.cnn")
  j="$(torch_run "$blas" "$blas-torch-lenet-accuracy" train --model lenet --batch 64 --epochs "$ACC_EPOCHS" --lr 0.01)"
  acc_theirs="$(json "$j" 'round(d["epochs"][-1]["test_accuracy"], 4)')"

  note "[$blas] 3. ResNet-20 training speed on 1 and 2 processes, $PAIRS pair(s)"
  r1=() r2=() t1=() t2=()
  for (( p = 1; p <= PAIRS; p++ )); do
    read -r ips _ _ < <(cnn_train "$blas" 1 "$blas-resnet1-$p" --model resnet --layers 20 --batch 32 --data synthetic:4096 --steps "$RESNET_STEPS" --lr 0.1)
    r1+=("$ips")
    j="$(torch_run "$blas" "$blas-torch-resnet1-$p" train --model resnet --layers 20 --batch 32 --steps "$RESNET_STEPS" --data synthetic --lr 0.1)"
    t1+=("$(json "$j" 'round(d["epochs"][-1]["images_per_second"])')")
    read -r ips _ _ < <(cnn_train "$blas" 2 "$blas-resnet2-$p" --model resnet --layers 20 --batch 32 --data synthetic:4096 --steps "$RESNET_STEPS" --lr 0.1)
    r2+=("$ips")
    j="$(torch_run "$blas" "$blas-torch-resnet2-$p" train --model resnet --layers 20 --batch 32 --steps "$RESNET_STEPS" --data synthetic --lr 0.1 --ranks 2)"
    t2+=("$(json "$j" 'round(d["epochs"][-1]["images_per_second"])')")
  done
  res1_ours="$(median "${r1[@]}")"; res2_ours="$(median "${r2[@]}")"; res1_theirs="$(median "${t1[@]}")"; res2_theirs="$(median "${t2[@]}")"

  sgemm="$(median "$(sgemm_rate "$blas")")"
  sgemm="$(awk -v a="$sgemm_before" -v b="$sgemm" 'BEGIN { print (a > b ? a : b) }')"
  lenet_gflops="$(gflops "$lenet_ours" "$lenet_mflops")"; resnet_gflops="$(gflops "$res1_ours" "$resnet_mflops")"

  note "[$blas] 4. LeNet-5 inference"
  dir="$OUT/$blas-infer"; mkdir -p "$dir"
  env $(blas_env "$blas") "$CNN" infer --model-file "$OUT/lenet-$blas.cnn" --batch 256 >"$dir/stdout" 2>"$dir/stderr" || die "cnnswift infer failed: $dir/stderr"
  p50_ours="$(sed -n 's/.*p50 \([0-9.]*\) ms.*/\1/p' "$dir/stdout")"; p99_ours="$(sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' "$dir/stdout")"
  thr_ours="$(sed -n 's/^throughput at batch [0-9]*: \([0-9.]*\) images.*/\1/p' "$dir/stdout")"
  j="$(torch_run "$blas" "$blas-torch-infer" infer --model lenet --batch 256)"
  p50_theirs="$(json "$j" 'round(d["p50_ms"], 3)')"; p99_theirs="$(json "$j" 'round(d["p99_ms"], 3)')"
  thr_theirs="$(json "$j" 'round(d["images_per_second"])')"

  printf '\n%s (cnnswift vs PyTorch %s, one thread per process)\n' "$blas" "$(python3 -c 'import torch; print(torch.__version__)')"
  printf '%-48s %14s %14s %8s\n' "measurement" "cnnswift" "PyTorch" "ratio"
  printf '%-48s %14s %14s %8s\n' "LeNet-5 train images/s (batch 64, median of $PAIRS)" "$lenet_ours" "$lenet_theirs" "$(pair_ratio "${ours[*]}" "${theirs[*]}")"
  printf '%-48s %14s %14s %8s\n' "LeNet-5 test accuracy after $ACC_EPOCHS epoch(s)" "$acc_ours" "$acc_theirs" "$(ratio "$acc_ours" "$acc_theirs")"
  printf '%-48s %14s %14s %8s\n' "ResNet-20 train images/s, 1 process (batch 32)" "$res1_ours" "$res1_theirs" "$(pair_ratio "${r1[*]}" "${t1[*]}")"
  printf '%-48s %14s %14s %8s\n' "ResNet-20 train images/s, 2 processes" "$res2_ours" "$res2_theirs" "$(pair_ratio "${r2[*]}" "${t2[*]}")"
  printf '%-48s %14s %14s\n' "ResNet-20 scaling, 2 processes / 1" "$(pair_ratio "${r2[*]}" "${r1[*]}")" "$(pair_ratio "${t2[*]}" "${t1[*]}")"
  printf '%-48s %14s %14s %8s\n' "LeNet-5 inference p50 / p99 ms, batch 1" "$p50_ours/$p99_ours" "$p50_theirs/$p99_theirs" "$(ratio "$p50_theirs" "$p50_ours")"
  printf '%-48s %14s %14s %8s\n' "LeNet-5 inference images/s, batch 256" "$thr_ours" "$thr_theirs" "$(ratio "$thr_ours" "$thr_theirs")"
  printf '%-48s %14s %14s\n' "peak RSS per process, LeNet training, MiB" "$(median "${ours_rss[@]}")" "$(median "${theirs_rss[@]}")"
  printf '%-48s %14s %14s %8s\n' "engine GFLOP/s vs $blas sgemm (1024^3)" "training" "sgemm" "share"
  printf '%-48s %14s %14s %8s\n' "  LeNet-5 training (3 x $lenet_mflops MFLOP/image)" "$lenet_gflops" "$sgemm" "$(ratio "$lenet_gflops" "$sgemm")"
  printf '%-48s %14s %14s %8s\n' "  ResNet-20 training (3 x $resnet_mflops MFLOP/image)" "$resnet_gflops" "$sgemm" "$(ratio "$resnet_gflops" "$sgemm")"
done
printf '\nfiles in %s\n' "$OUT"
