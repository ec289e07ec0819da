#!/usr/bin/env bash
# bench-before-after.sh: the suite's two headline speeds from two builds, alternating, so that a
# change that should not move them (a refactor) is shown not to: hplswift's GFLOPS on HPL.dat and
# cnnswift's training images/s on one LeNet-5 epoch and on ResNet-20 steps, "before" and "after" in
# back-to-back pairs.
#
# Usage:
#   scripts/bench-before-after.sh --before DIR --after DIR [--pairs 3] [--ranks 2] [--dat hpl/HPL.dat]
#       [--steps 400] [--only hpl|cnn]
#
#   --before, --after  folders holding release builds of hplswift and cnnswift (e.g. an older
#                      checkout's .build/release and this one's)
#   --pairs N          alternating pairs of each measurement (default 3)
#   --ranks N          MPI ranks for hplswift (default 2; cnnswift trains on one rank)
#   --dat FILE         the HPL.dat to run (default hpl/HPL.dat: N=10000, NB=192, 1×2)
#   --steps N          training steps of batch 64 per LeNet-5 run (default 400; ResNet-20 runs N/10
#                      steps of batch 32)
#   --only hpl|cnn     one of the two measurements
#
# Prints each run's figure, then per measurement the median before, the median after and the
# median of the per-pair after/before ratios (1.00 = unchanged; this machine's noise is ±20 % over
# minutes, which the pairing cancels as far as it can).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BEFORE="" AFTER="" PAIRS=3 RANKS=2 DAT="$REPO_ROOT/hpl/HPL.dat" STEPS=400 ONLY=""

die() { printf 'bench-before-after: error: %s\n' "$*" >&2; exit 1; }
need_value() { [[ $# -ge 2 && -n "$2" ]] || die "option $1 needs a value"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --before) need_value "$@"; BEFORE="$2"; shift 2 ;;
    --after) need_value "$@"; AFTER="$2"; shift 2 ;;
    --pairs) need_value "$@"; PAIRS="$2"; shift 2 ;;
    --ranks) need_value "$@"; RANKS="$2"; shift 2 ;;
    --dat) need_value "$@"; DAT="$2"; shift 2 ;;
    --steps) need_value "$@"; STEPS="$2"; shift 2 ;;
    --only) need_value "$@"; ONLY="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[[ -n "$BEFORE" && -n "$AFTER" ]] || die "give --before DIR and --after DIR (see --help)"
[[ -z "$ONLY" || "$ONLY" == hpl || "$ONLY" == cnn ]] || die "--only takes hpl or cnn, not '$ONLY'"
for count in "$PAIRS" "$RANKS" "$STEPS"; do [[ "$count" =~ ^[1-9][0-9]*$ ]] || die "'$count' is not a positive count"; done
programs=(hplswift cnnswift)
[[ "$ONLY" == hpl ]] && programs=(hplswift)
[[ "$ONLY" == cnn ]] && programs=(cnnswift)
for dir in "$BEFORE" "$AFTER"; do
  for program in "${programs[@]}"; do [[ -x "$dir/$program" ]] || die "no $program in $dir"; done
done
[[ -f "$DAT" ]] || die "no HPL.dat at $DAT"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# The GFLOPS of the last test hplswift ran, from its results row.
hpl_gflops() {
  local dir="$1" results="$WORK/hpl-$RANDOM.csv"
  mpiexec.mpich -n "$RANKS" "$dir/hplswift" --dat "$DAT" --results "$results" --quiet > /dev/null
  column_of gflops "$results"
}

# The value in the last row of CSV file $2 under header $1.
column_of() {
  local column
  column=$(head -n 1 "$2" | tr ',' '\n' | grep -n "^$1\$" | cut -d: -f1)
  [[ -n "$column" ]] || die "$2 has no column $1"
  tail -n 1 "$2" | cut -d, -f"$column"
}

# Training images/s of one LeNet-5 epoch of STEPS steps, from its results row.
cnn_images() {
  local dir="$1" results="$WORK/train-$RANDOM.csv"
  "$dir/cnnswift" train --model lenet --batch 64 --epochs 1 --steps "$STEPS" --quiet --results "$results" \
    > /dev/null
  column_of images_per_second "$results"
}

# Training images/s of ResNet-20 (on Fashion-MNIST padded to 32×32) over STEPS/10 steps of batch 32.
resnet_images() {
  local dir="$1" results="$WORK/train-$RANDOM.csv"
  "$dir/cnnswift" train --model resnet --layers 20 --batch 32 --epochs 1 --steps "$(( (STEPS + 9) / 10 ))" --quiet \
    --results "$results" > /dev/null
  column_of images_per_second "$results"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

measure() {
  local name="$1" unit="$2" probe="$3" befores=() afters=() ratios=()
  for ((pair = 1; pair <= PAIRS; pair++)); do
    local b a
    b=$("$probe" "$BEFORE")
    a=$("$probe" "$AFTER")
    printf '%-24s pair %d: before %10.2f  after %10.2f %s\n' "$name" "$pair" "$b" "$a" "$unit"
    befores+=("$b") afters+=("$a") ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { print a / b }')")
  done
  printf '%-24s median: before %10.2f  after %10.2f %s  after/before %.3f\n' "$name" \
    "$(printf '%s\n' "${befores[@]}" | median)" "$(printf '%s\n' "${afters[@]}" | median)" "$unit" \
    "$(printf '%s\n' "${ratios[@]}" | median)"
}

[[ "$ONLY" == cnn ]] || measure "hplswift ($RANKS ranks)" GFLOPS hpl_gflops
[[ "$ONLY" == hpl ]] || measure "cnnswift LeNet-5" images/s cnn_images
[[ "$ONLY" == hpl ]] || measure "cnnswift ResNet-20" images/s resnet_images
