#!/usr/bin/env bash
# bench-timeseries-vs-pytorch.sh: cnnswift's FCN against PyTorch's same FCN on UCR/UEA data sets in the .ts
# format, one thread each (cnnswift on OpenBLAS), from one run.
#
# Usage:
#   scripts/bench-timeseries-vs-pytorch.sh [--datasets GunPoint,ItalyPowerDemand,…] [--seeds 1,2,3]
#       [--epochs 500] [--speed-epochs 20] [--pairs 3] [--jobs 2] [--ranks-datasets GunPoint,ItalyPowerDemand]
#       [--data-dir DIR] [--out DIR [--resume]] [--venv DIR] [--bin-dir .build/release] [--quick]
#
# Measurements (each prints cnnswift's figure next to PyTorch's):
#   1. Speed: training series/s on GunPoint and ItalyPowerDemand over --speed-epochs epochs, --pairs alternating
#      pairs (cnnswift, then PyTorch), nothing else running; the median of the per-pair ratios (--pairs 0: none).
#   2. Accuracy: test accuracy after --epochs epochs for each data set and seed, the median over seeds, beside
#      PyTorch's median and the published FCN accuracy (Ismail Fawaz et al. 2019, their results files: mean of
#      5 runs of 2000 epochs on the UCR 2018 archive, of 10 on the MTS archive for JapaneseVowels). These runs
#      are independent single-thread processes, --jobs at a time.
#   3. Two ranks: cnnswift on 2 ranks with --sync batch (half the batch per rank, the same global batch) on
#      --ranks-datasets (none: skipped), median over seeds, beside the 1-rank median.
# Both sides train the same way: the papers' protocol as near as the data allows, Adam (lr 0.001), the learning
# rate halved after 50 epochs without a better training loss (to 0.0001), batch min(training cases / 10, 16),
# the last partial batch dropped, each univariate case z-normalised (the multivariate archive's values are used as
# they are, as in the published pipeline: --no-znorm), shorter cases stretched to the longest by linear
# interpolation (JapaneseVowels).
# The data sets come from PyPI's aeon wheel (scripts/fetch-ucr.sh: pip download, unzipped; aeon is not installed
# or run), or --data-dir DIR holding NAME/NAME_TRAIN.ts and NAME/NAME_TEST.ts. The PyTorch side is
# scripts/reference/pytorch_fcn.py in a scratch venv (torch 2.13.0+cpu), by default /tmp/cnnswift-onnx-venv.
# --resume: keep the accuracy and two-rank runs an earlier run with the same --out finished (their JSON files in
# OUT/accuracy), and run the rest; the tables are made from all of them.
# --quick: GunPoint and ItalyPowerDemand, seed 1, 30 epochs, 1 speed pair of 5 epochs (about three minutes).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATASETS=GunPoint,ItalyPowerDemand,ArrowHead,OSULeaf,ACSF1,BasicMotions,JapaneseVowels
SEEDS=1,2,3
EPOCHS=500
SPEED_EPOCHS=20
PAIRS=3
JOBS=2
RANKS_DATASETS=GunPoint,ItalyPowerDemand
RESUME=false
DATA_DIR=""
OUT=""
VENV=/tmp/cnnswift-onnx-venv
BIN_DIR="$REPO_ROOT/.build/release"

usage() { sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { printf 'bench-timeseries-vs-pytorch: error: %s\n' "$*" >&2; exit 1; }
note() { printf 'bench-timeseries-vs-pytorch: %s\n' "$*" >&2; }
need_value() { [[ $# -ge 2 && -n "$2" ]] || die "option $1 needs a value"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --datasets) need_value "$@"; DATASETS="$2"; shift 2 ;;
    --seeds) need_value "$@"; SEEDS="$2"; shift 2 ;;
    --epochs) need_value "$@"; EPOCHS="$2"; shift 2 ;;
    --speed-epochs) need_value "$@"; SPEED_EPOCHS="$2"; shift 2 ;;
    --pairs) need_value "$@"; PAIRS="$2"; shift 2 ;;
    --jobs) need_value "$@"; JOBS="$2"; shift 2 ;;
    --ranks-datasets) need_value "$@"; RANKS_DATASETS="$2"; [[ "$2" != none ]] || RANKS_DATASETS=""; shift 2 ;;
    --data-dir) need_value "$@"; DATA_DIR="$2"; shift 2 ;;
    --out) need_value "$@"; OUT="$2"; shift 2 ;;
    --resume) RESUME=true; shift ;;
    --venv) need_value "$@"; VENV="$2"; shift 2 ;;
    --bin-dir) need_value "$@"; BIN_DIR="$2"; shift 2 ;;
    --quick) DATASETS=GunPoint,ItalyPowerDemand; SEEDS=1; EPOCHS=30; SPEED_EPOCHS=5; PAIRS=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
for value in "$EPOCHS" "$SPEED_EPOCHS" "$JOBS"; do
  [[ "$value" =~ ^[1-9][0-9]*$ ]] || die "--epochs, --speed-epochs and --jobs take positive integers"
done
[[ "$PAIRS" =~ ^[0-9]+$ ]] || die "--pairs takes a whole number (0: no speed pairs)"
[[ "$RESUME" == false || -n "$OUT" ]] || die "--resume needs the --out of the run to continue"
[[ "$SEEDS" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--seeds takes a comma-separated list of seeds, such as 1,2,3"
for list in "$DATASETS" "$RANKS_DATASETS"; do
  [[ -z "$list" || "$list" =~ ^[A-Za-z0-9_]+(,[A-Za-z0-9_]+)*$ ]] || die "data set names are letters, digits and _"
done
IFS=, read -r -a DATASET_LIST <<<"$DATASETS"
IFS=, read -r -a SEED_LIST <<<"$SEEDS"
IFS=, read -r -a RANKS_LIST <<<"$RANKS_DATASETS"
BIN_DIR="$(cd "$BIN_DIR" 2>/dev/null && pwd)" || die "--bin-dir: no such folder"
CNN="$BIN_DIR/cnnswift"
[[ -x "$CNN" ]] || die "no $CNN: swift build -c release"
PY="$REPO_ROOT/scripts/reference/pytorch_fcn.py"
OPENBLAS="/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)/openblas-pthread"
[[ -d "$OPENBLAS" ]] || die "OpenBLAS is missing (apt-get install libopenblas0-pthread)"
OUT="${OUT:-$REPO_ROOT/results/bench-timeseries-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

if ! "$VENV/bin/python" -c 'import torch' 2>/dev/null; then
  note "installing PyTorch into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet numpy "torch==2.13.0+cpu"
fi

if [[ -z "$DATA_DIR" ]]; then
  DATA_DIR="$OUT/ucr"
  "$REPO_ROOT/scripts/fetch-ucr.sh" "$DATA_DIR" $(printf '%s\n' "${DATASET_LIST[@]}" "${RANKS_LIST[@]}" | sort -u) >&2
fi
for name in "${DATASET_LIST[@]}" "${RANKS_LIST[@]}"; do
  [[ -f "$DATA_DIR/$name/${name}_TRAIN.ts" && -f "$DATA_DIR/$name/${name}_TEST.ts" ]] ||
    die "$DATA_DIR/$name/${name}_TRAIN.ts or _TEST.ts is missing"
done

# batch_of NAME: min(training cases / 10, 16), at least 1 (Ismail Fawaz et al.'s rule).
batch_of() {
  local cases
  cases="$(awk 'BEGIN { data = 0 } data && NF { n++ } tolower($1) == "@data" { data = 1 } END { print n }' \
    "$DATA_DIR/$1/$1_TRAIN.ts")"
  awk -v n="$cases" 'BEGIN { b = int(n / 10); if (b > 16) b = 16; if (b < 1) b = 1; print b }'
}
# prepare_of NAME: how its cases become samples, as Ismail Fawaz et al. prepared each archive: --resample-series
# when the cases differ in length, --no-znorm for a multivariate set.
prepare_of() {
  local train="$DATA_DIR/$1/$1_TRAIN.ts"
  if grep -qi '^@equalLength false' "$train"; then echo --resample-series; fi
  if grep -qi '^@univariate false' "$train"; then echo --no-znorm; fi
}

# ours LABEL RANKS NAME SEED EPOCHS BATCH: trains cnnswift's FCN; prints a JSON line like PyTorch's.
ours() {
  local label="$1" ranks="$2" name="$3" seed="$4" epochs="$5" batch="$6"
  local dir="$OUT/runs/$label"; rm -rf "$dir"; mkdir -p "$dir"
  local pad; pad="$(prepare_of "$name")"
  # shellcheck disable=SC2086
  (cd "$dir" && mpiexec.mpich -n "$ranks" -genv LD_LIBRARY_PATH "$OPENBLAS" -genv OPENBLAS_NUM_THREADS 1 \
    "$CNN" train --model fcn --data "$DATA_DIR/$name/$name" $pad --batch "$batch" --epochs "$epochs" \
    --optimizer adam --lr-plateau --seed "$seed" --test-every "$epochs" --results train.csv --quiet) \
    >"$dir/stdout" 2>"$dir/stderr" || die "cnnswift failed: $dir/stderr"
  python3 - "$dir/train.csv" "$name" "$seed" "$ranks" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
seconds = sum(float(r["epoch_seconds"]) for r in rows)
rate = sum(float(r["images_per_second"]) * float(r["epoch_seconds"]) for r in rows) / seconds
print(json.dumps({"framework": "cnnswift", "data": sys.argv[2], "seed": int(sys.argv[3]), "ranks": int(sys.argv[4]),
    "epochs": len(rows), "test_accuracy": float(rows[-1]["test_accuracy"]), "train_loss": float(rows[-1]["train_loss"]),
    "learning_rate": float(rows[-1]["learning_rate"]), "series_per_second": rate}))
PY
}

# theirs LABEL NAME SEED EPOCHS BATCH: trains PyTorch's FCN; prints its JSON line.
theirs() {
  local label="$1" name="$2" seed="$3" epochs="$4" batch="$5"
  local dir="$OUT/runs/$label"; rm -rf "$dir"; mkdir -p "$dir"
  local pad; pad="$(prepare_of "$name")"
  # shellcheck disable=SC2086
  (cd "$dir" && OMP_NUM_THREADS=1 "$VENV/bin/python" "$PY" --data "$DATA_DIR/$name/$name" $pad --batch "$batch" \
    --epochs "$epochs" --seed "$seed" --lr-plateau) >"$dir/stdout" 2>"$dir/stderr" || die "PyTorch failed: $dir/stderr"
  tail -n 1 "$dir/stdout"
}

field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
median() {
  printf '%s\n' "$@" | awk '$1 ~ /^[0-9.eE+-]+$/' | sort -g |
    awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

note "results in $OUT"
(( PAIRS == 0 )) || echo "== 1. Speed: FCN training series/s, one thread, $SPEED_EPOCHS epochs, $PAIRS alternating pair(s)"
(( PAIRS == 0 )) || printf '%-18s %10s %10s %7s\n' "data set" cnnswift PyTorch ratio
for name in GunPoint ItalyPowerDemand; do
  (( PAIRS > 0 )) || break
  batch="$(batch_of "$name")"; ratios=(); a=(); b=()
  for (( p = 1; p <= PAIRS; p++ )); do
    x="$(field "$(ours "speed-$name-ours-$p" 1 "$name" 1 "$SPEED_EPOCHS" "$batch")" series_per_second)"
    y="$(field "$(theirs "speed-$name-torch-$p" "$name" 1 "$SPEED_EPOCHS" "$batch")" series_per_second)"
    a+=("$x"); b+=("$y"); ratios+=("$(awk -v x="$x" -v y="$y" 'BEGIN { printf "%.4f", x / y }')")
  done
  printf '%-18s %10.0f %10.0f %7.2f   (batch %d; pairs: %s)\n' "$name" "$(median "${a[@]}")" "$(median "${b[@]}")" \
    "$(median "${ratios[@]}")" "$batch" "${ratios[*]}"
done

echo "== 2. Accuracy after $EPOCHS epochs, seeds $SEEDS ($JOBS run(s) at a time)"
mkdir -p "$OUT/accuracy"
tasks=()
for name in "${DATASET_LIST[@]}"; do
  for seed in "${SEED_LIST[@]}"; do tasks+=("ours $name $seed" "theirs $name $seed"); done
done
# done FILE: whether --resume keeps the finished run whose JSON line is FILE.
done_before() { [[ "$RESUME" == true && -s "$1" ]] && grep -q '"test_accuracy"' "$1"; }
started=0
for task in "${tasks[@]}"; do
  read -r side name seed <<<"$task"
  if done_before "$OUT/accuracy/$name-$side-$seed.json"; then
    note "kept from the earlier run: $side $name seed $seed"; started=$((started + 1)); continue
  fi
  while (( $(jobs -rp | wc -l) >= JOBS )); do wait -n || die "an accuracy run failed"; done
  batch="$(batch_of "$name")"
  if [[ "$side" == ours ]]; then
    ( ours "acc-$name-ours-$seed" 1 "$name" "$seed" "$EPOCHS" "$batch" >"$OUT/accuracy/$name-ours-$seed.json" ) &
  else
    ( theirs "acc-$name-torch-$seed" "$name" "$seed" "$EPOCHS" "$batch" >"$OUT/accuracy/$name-theirs-$seed.json" ) &
  fi
  started=$((started + 1))
  note "accuracy run $started/${#tasks[@]} started: $side $name seed $seed"
done
while (( $(jobs -rp | wc -l) > 0 )); do wait -n || die "an accuracy run failed"; done

declare -A PUBLISHED=([GunPoint]=1.000 [ItalyPowerDemand]=0.963 [ArrowHead]=0.843 [OSULeaf]=0.979 [ACSF1]=0.898
  [JapaneseVowels]=0.993)
printf '%-18s %6s %-28s %-28s %8s %10s\n' "data set" batch "cnnswift (median)" "PyTorch (median)" "diff" "published"
declare -A OURS_MEDIAN
for name in "${DATASET_LIST[@]}"; do
  a=(); b=()
  for seed in "${SEED_LIST[@]}"; do
    a+=("$(field "$(cat "$OUT/accuracy/$name-ours-$seed.json")" test_accuracy)")
    b+=("$(field "$(cat "$OUT/accuracy/$name-theirs-$seed.json")" test_accuracy)")
  done
  ma="$(median "${a[@]}")"; mb="$(median "${b[@]}")"; OURS_MEDIAN[$name]="$ma"
  printf '%-18s %6d %-28s %-28s %+8.3f %10s\n' "$name" "$(batch_of "$name")" \
    "$(printf '%.3f' "$ma") ($(printf '%.3f ' "${a[@]}" | sed 's/ $//'))" \
    "$(printf '%.3f' "$mb") ($(printf '%.3f ' "${b[@]}" | sed 's/ $//'))" \
    "$(awk -v x="$ma" -v y="$mb" 'BEGIN { print x - y }')" "${PUBLISHED[$name]:--}"
done

if (( ${#RANKS_LIST[@]} > 0 )); then
  echo "== 3. Two ranks, --sync batch, half the batch per rank, $EPOCHS epochs, seeds $SEEDS"
  printf '%-18s %12s %-28s %-16s %8s\n' "data set" "batch/rank" "2 ranks (median)" "1 rank (median)" "diff"
  for name in "${RANKS_LIST[@]}"; do
    batch="$(batch_of "$name")"; half=$(( (batch + 1) / 2 )); a=()
    for seed in "${SEED_LIST[@]}"; do
      file="$OUT/accuracy/$name-ranks2-$seed.json"
      done_before "$file" || ours "ranks-$name-$seed" 2 "$name" "$seed" "$EPOCHS" "$half" >"$file"
      a+=("$(field "$(cat "$file")" test_accuracy)")
    done
    one="${OURS_MEDIAN[$name]:-}"
    if [[ -z "$one" ]]; then
      b=(); for seed in "${SEED_LIST[@]}"; do
        file="$OUT/accuracy/$name-ours-$seed.json"
        done_before "$file" || ours "acc-$name-ours-$seed" 1 "$name" "$seed" "$EPOCHS" "$batch" >"$file"
        b+=("$(field "$(cat "$file")" test_accuracy)")
      done
      one="$(median "${b[@]}")"
    fi
    m="$(median "${a[@]}")"
    printf '%-18s %12s %-28s %-16s %+8.3f\n' "$name" "$half (of $batch)" \
      "$(printf '%.3f' "$m") ($(printf '%.3f ' "${a[@]}" | sed 's/ $//'))" "$(printf '%.3f' "$one")" \
      "$(awk -v x="$m" -v y="$one" 'BEGIN { print x - y }')"
  done
fi
note "every run's output is in $OUT/runs"
