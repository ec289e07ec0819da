#!/usr/bin/env bash
# bench-emulated-bandwidth.sh: hplswift on 1, 2 and 4 emulated nodes at two link bandwidths.
#
# Usage (as root):
#   scripts/bench-emulated-bandwidth.sh [--bandwidths "1gbit 100mbit"] [--nodes "1 2 4"] [--n 5000]
#       [--nb 128] [--reps 3] [--memory-per-node 1GiB] [--out DIR] [--bin-dir .build/release]
#
# For each repetition and each bandwidth, alternating (the VM drifts by ±20 % over minutes, so
# the two bandwidths are interleaved and medians taken): `clusterbench cluster up` a cluster of
# max(nodes) emulated nodes (one CPU core each) with links shaped to that bandwidth, a sweep of
# hplswift at fixed N over the node counts (one rank per node) with `clusterbench submit`, then
# `cluster down`. The table gives the median GFLOPS per node count at each bandwidth, and their
# ratio: the first bandwidth is the reference. With 4 nodes on a 2-core machine the 4-node figures
# are CPU-bound too (4 one-core quotas share 2 cores).
#
# Output: the table on stdout, progress on stderr, the sweeps' files in --out
# (default results/bench-emulated-YYYYmmdd-HHMMSS). Exit 1 when a point fails.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BANDWIDTHS="1gbit 100mbit"
NODES="1 2 4"
N=5000
NB=128
REPS=3
MEMORY=1GiB
OUT=""
BIN_DIR="$REPO_ROOT/.build/release"
CLUSTER=bwbench

usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { printf 'bench-emulated-bandwidth: error: %s\n' "$*" >&2; exit 1; }
note() { printf 'bench-emulated-bandwidth: %s\n' "$*" >&2; }
need_value() { [[ $# -ge 2 && -n "$2" ]] || die "option $1 needs a value"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --bandwidths) need_value "$@"; BANDWIDTHS="$2"; shift 2 ;;
    --nodes) need_value "$@"; NODES="$2"; shift 2 ;;
    --n) need_value "$@"; N="$2"; shift 2 ;;
    --nb) need_value "$@"; NB="$2"; shift 2 ;;
    --reps) need_value "$@"; REPS="$2"; shift 2 ;;
    --memory-per-node) need_value "$@"; MEMORY="$2"; shift 2 ;;
    --out) need_value "$@"; OUT="$2"; shift 2 ;;
    --bin-dir) need_value "$@"; BIN_DIR="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

[[ "$(id -u)" == 0 ]] || die "needs root (network namespaces, tc, cgroups)"
for value in "$N" "$NB" "$REPS"; do [[ "$value" =~ ^[1-9][0-9]*$ ]] || die "--n, --nb and --reps take positive integers"; done
read -r -a BW_LIST <<<"$BANDWIDTHS"
read -r -a NODE_LIST <<<"$NODES"
(( ${#BW_LIST[@]} >= 1 && ${#NODE_LIST[@]} >= 1 )) || die "--bandwidths and --nodes must not be empty"
for k in "${NODE_LIST[@]}"; do [[ "$k" =~ ^[1-9][0-9]*$ ]] || die "--nodes: '$k' is not a positive integer"; done
MAX_NODES="$(printf '%s\n' "${NODE_LIST[@]}" | sort -n | tail -n 1)"
BIN_DIR="$(cd "$BIN_DIR" 2>/dev/null && pwd)" || die "--bin-dir: no such folder"
CB="$BIN_DIR/clusterbench"
[[ -x "$CB" && -x "$BIN_DIR/hplswift" ]] || die "no clusterbench/hplswift in $BIN_DIR: swift build -c release"
OUT="${OUT:-$REPO_ROOT/results/bench-emulated-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
"$CB" cluster status "$CLUSTER" >/dev/null 2>&1 && die "a cluster named $CLUSTER exists; remove it with: clusterbench cluster down $CLUSTER"
trap '"$CB" cluster down "$CLUSTER" >/dev/null 2>&1 || true' EXIT

node_list="$(printf '%s, ' "${NODE_LIST[@]}")"
for (( rep = 1; rep <= REPS; rep++ )); do
  if (( rep % 2 )); then order=("${BW_LIST[@]}"); else order=(); for (( i = ${#BW_LIST[@]} - 1; i >= 0; i-- )); do order+=("${BW_LIST[$i]}"); done; fi
  for bw in "${order[@]}"; do
    note "repetition $rep, $bw: cluster up ($MAX_NODES nodes), sweep over ${node_list%, } node(s), N=$N"
    "$CB" cluster up --name "$CLUSTER" --nodes "$MAX_NODES" --memory-per-node "$MEMORY" --bandwidth "$bw" \
      >"$OUT/up-$bw-$rep.log" 2>&1 || die "cluster up failed (see $OUT/up-$bw-$rep.log)"
    job="$OUT/bw-$bw-rep$rep.yaml"
    cat >"$job" <<JOB
name: bw-$bw-rep$rep
kind: hpl
target:
  cluster: $CLUSTER
nodes: [${node_list%, }]
ranks_per_node: 1
telemetry: off
hpl:
  n: [$N]
  nb: [$NB]
JOB
    "$CB" submit "$job" --results "$OUT/results" --hplswift "$BIN_DIR/hplswift" 2>"$OUT/submit-$bw-$rep.log" ||
      die "the sweep failed (see $OUT/submit-$bw-$rep.log)"
    "$CB" cluster down "$CLUSTER" >>"$OUT/up-$bw-$rep.log" 2>&1 || die "cluster down failed"
  done
done

# Medians per bandwidth and node count, from the sweeps' points.csv (columns by name).
table="$(for f in "$OUT"/results/sweeps/bw-*/points.csv; do
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["status"] == "passed" { split($c["job"], j, "-"); print j[2], $c["nodes"], $c["gflops"] }' "$f"
done | sort -k1,1 -k2,2n -k3,3g | awk '
  { key = $1 " " $2; v[key, ++n[key]] = $3; keys[key] = 1 }
  END { for (k in keys) { m = n[k]; mid = (m % 2) ? v[k, (m + 1) / 2] : (v[k, m / 2] + v[k, m / 2 + 1]) / 2; print k, mid, m } }')"

reference="${BW_LIST[0]}"
printf '\n%-6s' "nodes"
for bw in "${BW_LIST[@]}"; do printf '  %-18s' "$bw GFLOPS"; done
for bw in "${BW_LIST[@]:1}"; do printf '  %-18s' "$bw / $reference"; done
printf '\n'
for k in "${NODE_LIST[@]}"; do
  printf '%-6s' "$k"
  for bw in "${BW_LIST[@]}"; do
    g="$(awk -v b="$bw" -v k="$k" '$1 == b && $2 == k { printf "%.2f (%d runs)", $3, $4 }' <<<"$table")"
    printf '  %-18s' "${g:--}"
  done
  ref="$(awk -v b="$reference" -v k="$k" '$1 == b && $2 == k { print $3 }' <<<"$table")"
  for bw in "${BW_LIST[@]:1}"; do
    r="$(awk -v b="$bw" -v k="$k" -v ref="$ref" '$1 == b && $2 == k && ref > 0 { printf "%.2f", $3 / ref }' <<<"$table")"
    printf '  %-18s' "${r:--}"
  done
  printf '\n'
done
printf '\nN=%s NB=%s, one rank per node, one CPU core per node, medians of %s repetitions; files in %s\n' "$N" "$NB" "$REPS" "$OUT"
