#!/usr/bin/env bash
# bench-telemetry.sh: what telemetry costs a run, measured on this machine.
#
# Usage:
#   scripts/bench-telemetry.sh [--dat hpl/HPL.dat] [--ranks 2] [--pairs 3] [--interval 1]
#       [--cost-seconds 20] [--soak-seconds 300] [--soak-interval 0.1] [--out DIR]
#       [--bin-dir .build/release]
#
# Three measurements, each printing our figure next to its reference from the same session:
#   1. Overhead: hplswift on --dat without telemetry and with --telemetry=INTERVAL, alternating
#      (off/on, on/off, off/on, ...: drift on these VMs is about ±20 % over minutes, so only
#      alternating pairs compare), --pairs pairs; medians of GFLOPS and their ratio.
#      Target: with/without >= 0.99.
#   2. Cost of one sample: `clusterbench monitor` sampling this node every 100 ms (the shortest
#      interval the suite accepts) for --cost-seconds; it reports the CPU time its sampling took
#      per sample (thread CPU clock).
#      Target: < 2 ms.
#   3. Memory over a long monitor: the monitor sampling every --soak-interval for --soak-seconds
#      takes as many samples as a long monitor at 1 s (the default 300 s at 100 ms = 3,000 samples,
#      50 min at 1 s) while recording its own resident memory in memory.csv; the median of the last tenth of the
#      samples is compared with that of the first tenth. Target: no growth (within 1 MiB).
#
# Output: the table on stdout, progress on stderr, every run's output in --out
# (default results/bench-telemetry-YYYYmmdd-HHMMSS). Exit 1 when a run fails.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DAT="$REPO_ROOT/hpl/HPL.dat"
RANKS=2
PAIRS=3
INTERVAL=1
COST_SECONDS=20
SOAK_SECONDS=300
SOAK_INTERVAL=0.1
OUT=""
BIN_DIR="$REPO_ROOT/.build/release"
MPIEXEC="mpiexec.mpich"

usage() { sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { printf 'bench-telemetry: error: %s\n' "$*" >&2; exit 1; }
note() { printf '%s\n' "$*" >&2; }
need_value() { [[ $# -ge 2 && -n "$2" ]] || die "option $1 needs a value"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --dat) need_value "$@"; DAT="$2"; shift 2 ;;
    --ranks) need_value "$@"; RANKS="$2"; shift 2 ;;
    --pairs) need_value "$@"; PAIRS="$2"; shift 2 ;;
    --interval) need_value "$@"; INTERVAL="$2"; shift 2 ;;
    --cost-seconds) need_value "$@"; COST_SECONDS="$2"; shift 2 ;;
    --soak-seconds) need_value "$@"; SOAK_SECONDS="$2"; shift 2 ;;
    --soak-interval) need_value "$@"; SOAK_INTERVAL="$2"; shift 2 ;;
    --out) need_value "$@"; OUT="$2"; shift 2 ;;
    --bin-dir) need_value "$@"; BIN_DIR="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

[[ "$RANKS" =~ ^[1-9][0-9]*$ ]] || die "--ranks must be a positive integer, got '$RANKS'"
[[ "$PAIRS" =~ ^[1-9][0-9]*$ ]] || die "--pairs must be a positive integer, got '$PAIRS'"
[[ "$COST_SECONDS" =~ ^[1-9][0-9]*$ ]] || die "--cost-seconds must be a positive integer, got '$COST_SECONDS'"
[[ "$SOAK_SECONDS" =~ ^[1-9][0-9]*$ ]] || die "--soak-seconds must be a positive integer, got '$SOAK_SECONDS'"
[[ -f "$DAT" ]] || die "--dat: no file '$DAT'"
DAT="$(cd "$(dirname "$DAT")" && pwd)/$(basename "$DAT")"
BIN_DIR="$(cd "$BIN_DIR" 2>/dev/null && pwd)" || die "--bin-dir: no folder"
HPLSWIFT="$BIN_DIR/hplswift"
CLUSTERBENCH="$BIN_DIR/clusterbench"
for program in "$HPLSWIFT" "$CLUSTERBENCH"; do
  [[ -x "$program" ]] || die "no $program: build with 'swift build -c release' (or pass --bin-dir)"
done
command -v "$MPIEXEC" >/dev/null || die "$MPIEXEC not found (apt-get install mpich)"
OUT="${OUT:-$REPO_ROOT/results/bench-telemetry-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"

median() {
  printf '%s\n' "$@" | awk '$1 ~ /^[0-9.eE+-]+$/' | sort -g |
    awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# run_hpl LABEL ARGS...: one hplswift run in OUT/LABEL; prints its GFLOPS.
run_hpl() {
  local label="$1"; shift
  local dir="$OUT/$label"
  mkdir -p "$dir"
  cp "$DAT" "$dir/HPL.dat"
  (cd "$dir" && "$MPIEXEC" -n "$RANKS" "$HPLSWIFT" --quiet "$@") >"$dir/stdout" 2>"$dir/stderr" ||
    die "hplswift failed in $dir (see its stderr)"
  grep -q PASSED "$dir/stdout" || die "no PASSED result in $dir/stdout"
  awk '$1 ~ /^W[RC][0-9]/ && NF >= 7 { print $7; exit }' "$dir/stdout"
}

# --- 1. Overhead -----------------------------------------------------------------------------
note "bench-telemetry: $PAIRS alternating pairs of hplswift on $(basename "$DAT") ($RANKS ranks), telemetry every ${INTERVAL}s"
off=() on=()
for (( pair = 1; pair <= PAIRS; pair++ )); do
  if (( pair % 2 )); then order=(off on); else order=(on off); fi
  for mode in "${order[@]}"; do
    if [[ "$mode" == off ]]; then
      g="$(run_hpl "pair$pair-off")"; off+=("$g")
    else
      g="$(run_hpl "pair$pair-on" "--telemetry=$INTERVAL")"; on+=("$g")
    fi
    note "  pair $pair, telemetry $mode: $g GFLOPS"
  done
done
m_off="$(median "${off[@]}")"
m_on="$(median "${on[@]}")"
ratio="$(awk -v a="$m_on" -v b="$m_off" 'BEGIN { printf "%.4f", a / b }')"
samples_on="$(cat "$OUT"/pair*-on/results/runs/*/memory.csv | grep -vc '^timestamp' || true)"

# --- 2. Cost of one sample -------------------------------------------------------------------
note "bench-telemetry: monitor every 100 ms for ${COST_SECONDS}s (cost of a sample)"
"$CLUSTERBENCH" monitor --interval 100ms --duration "${COST_SECONDS}s" --out "$OUT/cost" --quiet \
  >"$OUT/cost.stdout" 2>"$OUT/cost.stderr" || die "the monitor failed (see $OUT/cost.stderr)"
cost_ms="$(sed -n 's/.* \([0-9.]*\) ms CPU per sample.*/\1/p' "$OUT/cost.stderr")"
cost_samples="$(sed -n 's/.*; \([0-9]*\) samples,.*/\1/p' "$OUT/cost.stderr")"

# --- 3. Memory over a long monitor -----------------------------------------------------------
note "bench-telemetry: monitor every ${SOAK_INTERVAL}s for ${SOAK_SECONDS}s (memory over many samples)"
"$CLUSTERBENCH" monitor --interval "$SOAK_INTERVAL" --duration "${SOAK_SECONDS}s" --out "$OUT/soak" --quiet \
  >"$OUT/soak.stdout" 2>"$OUT/soak.stderr" || die "the monitor failed (see $OUT/soak.stderr)"
# The monitor's own resident memory, one value per sample, in MiB.
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "ranks_resident_bytes") c = i; next }
  { printf "%.2f\n", $c / 1048576 }' "$OUT/soak/memory.csv" >"$OUT/soak-rss-mib.txt"
soak_samples="$(wc -l <"$OUT/soak-rss-mib.txt")"
tenth=$(( soak_samples / 10 > 0 ? soak_samples / 10 : 1 ))
mapfile -t first_tenth < <(head -n "$tenth" "$OUT/soak-rss-mib.txt")
mapfile -t last_tenth < <(tail -n "$tenth" "$OUT/soak-rss-mib.txt")
rss_first="$(median "${first_tenth[@]}")"
rss_last="$(median "${last_tenth[@]}")"
rss_max="$(sort -g "$OUT/soak-rss-mib.txt" | tail -n 1)"
growth="$(awk -v a="$rss_first" -v b="$rss_last" 'BEGIN { printf "%.1f", b - a }')"
equivalent_hours="$(awk -v n="$soak_samples" 'BEGIN { printf "%.1f", n / 3600 }')"

verdict() { awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { if (v == "nan" || v == "") { print "n/a"; exit }; ok = (op == ">=") ? (v + 0 >= l + 0) : (v + 0 < l + 0); print ok ? "PASS" : "MISS" }'; }

printf '\n%-44s %-22s %-22s %-8s\n' "measurement" "ours" "reference" "target"
printf '%-44s %-22s %-22s %-8s\n' "hplswift GFLOPS, median of $PAIRS (with / without)" "$m_on (${INTERVAL}s sampling)" "$m_off (no telemetry)" \
  "ratio $ratio >= 0.99 $(verdict "$ratio" ">=" 0.99)"
printf '%-44s %-22s %-22s %-8s\n' "CPU per sample, one node (all sources)" "$cost_ms ms ($cost_samples samples)" "2 ms (target)" \
  "$(verdict "$cost_ms" "<" 2)"
printf '%-44s %-22s %-22s %-8s\n' "monitor RSS, last tenth vs first tenth" "$rss_last MiB (max $rss_max)" "$rss_first MiB" \
  "growth $growth MiB < 1 $(verdict "$growth" "<" 1)"
printf '\n%s samples in the soak = %s h of a monitor at 1 s; %s samples during the runs with telemetry; files in %s\n' \
  "$soak_samples" "$equivalent_hours" "$samples_on" "$OUT"
{
  echo "measurement,ours,reference,unit"
  echo "hplswift_gflops_with_vs_without,$m_on,$m_off,GFLOPS"
  echo "cpu_per_sample,$cost_ms,2,ms"
  echo "monitor_rss_last_vs_first_tenth,$rss_last,$rss_first,MiB"
} >"$OUT/summary.csv"
