#!/usr/bin/env bash
# bench-hpl-vs-xhpl.sh: compare hplswift with netlib HPL 2.3's xhpl on this machine.
#
# Usage:
#   scripts/bench-hpl-vs-xhpl.sh --xhpl PATH [--n 10000] [--nb-list "128 192 256"]
#       [--grids "1x2 2x1"] [--pairs 3] [--sweep-reps 3] [--blas atlas|openblas|both]
#       [--hplswift PATH] [--out DIR] [--timeout SECONDS] [--openblas-coretype NAME]
#       [--dgemm-mn M] [--only-xhpl] [--dry-run]
#   Run it without --xhpl to learn what xhpl is and how to build it. --help lists every option.
#
# Method, and why:
#   These VMs drift by about ±20 % over minutes, even with nothing else running, while two
#   back-to-back runs agree to within a fraction of a percent. Absolute numbers taken minutes apart
#   therefore say nothing about which program is faster. So everything here alternates the two
#   programs in one session, so that both see the same machine state, and reports medians:
#     1. NB sweep, per BLAS and grid: --sweep-reps rounds over --nb-list, each round running xhpl
#        then hplswift at every NB. The chosen NB has the best median over rounds of the pair's mean
#        GFLOPS (xhpl's median alone with --only-xhpl). Skipped when --nb-list has one value.
#     2. At that NB, --pairs alternating pairs (xhpl, hplswift, xhpl, hplswift, ...), each run in
#        its own directory holding the same generated HPL.dat. After each pair, hplswift's
#        `dgemm` subcommand measures the rate of P*Q processes running dgemm at once, at the
#        update's shape M x N x NB, so it sees the same machine state as the pair. M = N = n/2 is
#        the global trailing matrix halfway through the factorisation (a rank's local block is
#        half of that in one dimension; dgemm's rate hardly changes between those sizes).
#        --dgemm-mn overrides it.
#   Start it on a quiet machine: it warns when the CPUs were busy before the start, and records
#   hypervisor steal time for every run. Other processes on 2 vCPUs can halve a result.
#   Duration at the defaults with ATLAS (N=10000, about 30-40 s a run): about 10-15 minutes per
#   grid; OpenBLAS is about 5x faster.
#   Both programs print xhpl's report and are parsed the same way: the result line begins with
#   `W` (T/V N NB P Q Time Gflops), and the residual line ends with PASSED or FAILED. Neither exit
#   code is trusted for the residual (xhpl exits 0 even when a check fails).
#   Each rank runs under `/usr/bin/time -f %M` (one MPMD segment per rank), which gives its peak RSS.
#   The target is 1.1 * 8N^2/(PQ) + 50 MB per rank (MB = 10^6 bytes).
#   Targets: hplswift/xhpl >= 1.0, hplswift/dgemm >= 0.92, and hplswift's peak RSS <= the target.
#
# BLAS selection, per run, never system-wide:
#   atlas:    LD_LIBRARY_PATH=/usr/lib/<multiarch>/atlas
#   openblas: LD_LIBRARY_PATH=/usr/lib/<multiarch>/openblas-pthread OPENBLAS_NUM_THREADS=1
#             OPENBLAS_CORETYPE=<from /proc/cpuinfo: avx512f -> SkylakeX, avx2+fma -> Haswell>
#   OpenBLAS reads these variables when it is loaded, so they go to the ranks through
#   `mpiexec -genv`. Both programs must link the shared `libblas.so.3` for this to work. A
#   preflight step shows (via ldd) which library each program resolves to, and runs each program
#   once on a small case, so a broken setup fails in seconds.
#
# Exit status: 0 when every run produced a PASSED result (targets met or not); 1 when a run failed
# its residual check, crashed or timed out (or on bad arguments); 2 without --xhpl.
#
# Output (in --out, default results/bench-YYYYmmdd-HHMMSS): summary.csv (the final table),
# sweep.csv, runs.csv (every run), env.txt, and runs/<seq>-.../ holding each run's HPL.dat,
# stdout, stderr and per-rank RSS. The final table goes to stdout and progress to stderr.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT

# ---------------------------------------------------------------------------------------------
# Options

XHPL=""
HPLSWIFT="$REPO_ROOT/.build/release/hplswift"
N=10000
NB_LIST="128 192 256"
GRIDS="1x2 2x1"
PAIRS=3
SWEEP_REPS=3
BLAS_CHOICE="atlas"
OUT=""
TIMEOUT=1800
CORETYPE_OVERRIDE=""
DGEMM_MN=""
ONLY_XHPL=0
DRY_RUN=0
MPIEXEC="mpiexec.mpich"
TIME_BIN="/usr/bin/time"

usage() {
  cat <<'EOF'
Usage: scripts/bench-hpl-vs-xhpl.sh --xhpl PATH [options]

Compares hplswift with netlib HPL 2.3's xhpl on this machine by alternating runs and taking medians.

  --xhpl PATH              netlib xhpl binary (required; run without it to learn how to build it)
  --hplswift PATH          hplswift binary (default: .build/release/hplswift)
  --n N                    problem size (default 10000)
  --nb-list "A B C"        block sizes for the NB sweep (default "128 192 256"; one value = no sweep)
  --grids "PxQ ..."        process grids; each runs on P*Q ranks (default "1x2 2x1")
  --pairs K                alternating xhpl/hplswift pairs at the chosen NB (default 3, at least 1)
  --sweep-reps K           rounds of the NB sweep (default 3)
  --blas atlas|openblas|both   BLAS to run with (default atlas)
  --openblas-coretype NAME override OPENBLAS_CORETYPE (default: derived from /proc/cpuinfo flags)
  --dgemm-mn M             M = N of the dgemm measurement (default n/2)
  --out DIR                output folder (default results/bench-YYYYmmdd-HHMMSS)
  --timeout SECONDS        limit per mpiexec run (default 1800)
  --only-xhpl              skip hplswift and the dgemm measurement (to test this script)
  --dry-run                print the plan and the commands without running anything
  -h, --help               this text
EOF
}

explain_xhpl() {
  cat <<'EOF'
This script needs --xhpl PATH: the reference program that hplswift is measured against.

xhpl is the benchmark program of netlib HPL 2.3 (High-Performance Linpack, by A. Petitet,
R. C. Whaley, J. Dongarra and A. Cleary; Innovative Computing Laboratory, University of Tennessee).
This repository contains none of HPL's code, so you build xhpl yourself from netlib's source.

Download hpl-2.3.tar.gz from https://www.netlib.org/benchmark/hpl/ and unpack it somewhere outside
this repository. Compile it with MPICH's compiler wrapper (mpicc.mpich) with -O3 and -DHPL_CALL_CBLAS,
using either one of the setup/Make.<arch> templates or by compiling the C files under src/ and
testing/ yourself. Link it against the system BLAS with -lblas, not -lcblas -latlas, so that the
binary loads Debian's libblas.so.3. This script can then choose ATLAS or OpenBLAS for each run.
ATLAS's libblas.so.3 provides the cblas_* functions HPL calls. Check the build by running
`mpiexec.mpich -n 2 xhpl` in a folder that holds an HPL.dat, and look for PASSED.

Then run this script again with --xhpl /path/to/xhpl.
EOF
}

die() { printf 'bench-hpl-vs-xhpl: error: %s\n' "$*" >&2; exit 1; }
note() { printf '%s\n' "$*" >&2; }

need_value() { [[ $# -ge 2 && -n "$2" ]] || die "option $1 needs a value"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --xhpl) need_value "$@"; XHPL="$2"; shift 2 ;;
    --hplswift) need_value "$@"; HPLSWIFT="$2"; shift 2 ;;
    --n) need_value "$@"; N="$2"; shift 2 ;;
    --nb-list) need_value "$@"; NB_LIST="$2"; shift 2 ;;
    --grids) need_value "$@"; GRIDS="$2"; shift 2 ;;
    --pairs) need_value "$@"; PAIRS="$2"; shift 2 ;;
    --sweep-reps) need_value "$@"; SWEEP_REPS="$2"; shift 2 ;;
    --blas) need_value "$@"; BLAS_CHOICE="$2"; shift 2 ;;
    --openblas-coretype) need_value "$@"; CORETYPE_OVERRIDE="$2"; shift 2 ;;
    --dgemm-mn) need_value "$@"; DGEMM_MN="$2"; shift 2 ;;
    --out) need_value "$@"; OUT="$2"; shift 2 ;;
    --timeout) need_value "$@"; TIMEOUT="$2"; shift 2 ;;
    --only-xhpl) ONLY_XHPL=1; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

if [[ -z "$XHPL" ]]; then
  explain_xhpl
  exit 2
fi

# ---------------------------------------------------------------------------------------------
# Validation

# need_posint OPTION VALUE: dies unless VALUE is a positive decimal integer (no leading zeros).
need_posint() { [[ "$2" =~ ^[1-9][0-9]{0,8}$ ]] || die "$1 must be a positive integer, got '$2'"; }

need_posint --n "$N"
need_posint --pairs "$PAIRS"
need_posint --sweep-reps "$SWEEP_REPS"
need_posint --timeout "$TIMEOUT"
if [[ -n "$DGEMM_MN" ]]; then
  need_posint --dgemm-mn "$DGEMM_MN"
else
  DGEMM_MN=$(( N / 2 > 0 ? N / 2 : 1 ))
fi

read -r -a NBS <<<"$NB_LIST"
(( ${#NBS[@]} >= 1 )) || die "--nb-list is empty"
for nb in "${NBS[@]}"; do
  need_posint "--nb-list value" "$nb"
done

read -r -a GRID_LIST <<<"$GRIDS"
(( ${#GRID_LIST[@]} >= 1 )) || die "--grids is empty"
for g in "${GRID_LIST[@]}"; do
  [[ "$g" =~ ^([1-9][0-9]*)x([1-9][0-9]*)$ ]] || die "--grids: '$g' is not of the form PxQ (e.g. 1x2)"
done

case "$BLAS_CHOICE" in
  atlas) BLASES=(atlas) ;;
  openblas) BLASES=(openblas) ;;
  both) BLASES=(atlas openblas) ;;
  *) die "--blas must be atlas, openblas or both, got '$BLAS_CHOICE'" ;;
esac

[[ -f "$XHPL" && -x "$XHPL" ]] || die "--xhpl: '$XHPL' is not an executable file"
XHPL="$(cd "$(dirname "$XHPL")" && pwd)/$(basename "$XHPL")"
if (( ONLY_XHPL == 0 )); then
  [[ -f "$HPLSWIFT" && -x "$HPLSWIFT" ]] ||
    die "hplswift not found at '$HPLSWIFT' (build it with 'swift build -c release', pass --hplswift PATH, or use --only-xhpl)"
  HPLSWIFT="$(cd "$(dirname "$HPLSWIFT")" && pwd)/$(basename "$HPLSWIFT")"
fi

command -v "$MPIEXEC" >/dev/null || die "$MPIEXEC not found (apt-get install mpich)"
[[ -x "$TIME_BIN" ]] || die "$TIME_BIN not found; it reports each rank's peak RSS (apt-get install time)"
command -v timeout >/dev/null || die "timeout (coreutils) not found"

# ---------------------------------------------------------------------------------------------
# BLAS environments

MULTIARCH="$(gcc -print-multiarch 2>/dev/null || true)"
[[ -n "$MULTIARCH" ]] || MULTIARCH="$(uname -m)-linux-gnu"
ATLAS_DIR="/usr/lib/$MULTIARCH/atlas"
OPENBLAS_DIR="/usr/lib/$MULTIARCH/openblas-pthread"

cpu_flags() { awk -F': *' '/^flags/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true; }
has_flag() { [[ " $(cpu_flags) " == *" $1 "* ]]; }

CORETYPE=""
CORETYPE_REASON=""
if [[ -n "$CORETYPE_OVERRIDE" ]]; then
  CORETYPE="$CORETYPE_OVERRIDE"; CORETYPE_REASON="set with --openblas-coretype"
elif has_flag avx512f; then
  CORETYPE="SkylakeX"; CORETYPE_REASON="CPU flag avx512f"
elif has_flag avx2 && has_flag fma; then
  CORETYPE="Haswell"; CORETYPE_REASON="CPU flags avx2 and fma"
else
  CORETYPE_REASON="no avx512f or avx2+fma in /proc/cpuinfo; OPENBLAS_CORETYPE left unset (OpenBLAS chooses itself)"
fi

# blas_genv BLAS: prints the -genv arguments for BLAS, one per line (used with mapfile).
blas_genv() {
  case "$1" in
    atlas)
      printf '%s\n' -genv LD_LIBRARY_PATH "$ATLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      ;;
    openblas)
      printf '%s\n' -genv LD_LIBRARY_PATH "$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
        -genv OPENBLAS_NUM_THREADS 1
      [[ -z "$CORETYPE" ]] || printf '%s\n' -genv OPENBLAS_CORETYPE "$CORETYPE"
      ;;
  esac
}

# blas_dir BLAS: the folder whose libblas.so.3 the runs use.
blas_dir() { if [[ "$1" == atlas ]]; then echo "$ATLAS_DIR"; else echo "$OPENBLAS_DIR"; fi; }

for b in "${BLASES[@]}"; do
  d="$(blas_dir "$b")"
  if [[ ! -e "$d/libblas.so.3" ]]; then
    if [[ "$b" == openblas ]]; then
      die "no $d/libblas.so.3: install OpenBLAS with 'apt-get install libopenblas0-pthread'." \
        "Installing it switches the system's libblas.so.3 alternative to OpenBLAS; switch back with" \
        "'update-alternatives --set libblas.so.3-$MULTIARCH $ATLAS_DIR/libblas.so.3'" \
        "(and the same for liblapack.so.3)"
    else
      die "no $d/libblas.so.3: install ATLAS with 'apt-get install libatlas3-base'"
    fi
  fi
done

# resolved_blas PROG BLAS: the libblas.so.3 that PROG loads under BLAS's environment (via ldd).
resolved_blas() {
  local d; d="$(blas_dir "$2")"
  LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ldd "$1" 2>/dev/null |
    awk '$1 == "libblas.so.3" { print $3; found = 1 } END { if (!found) print "none (libblas.so.3 not linked)" }'
}

# ---------------------------------------------------------------------------------------------
# Small helpers: numbers, medians, /proc

# median VALUES...: the median of the numeric values (non-numbers are ignored); "nan" if none.
median() {
  printf '%s\n' "$@" | awk '$1 ~ /^[-+]?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$/' | sort -g |
    awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
# minmax VALUES...: "min max" of the numeric values; "nan nan" if none.
minmax() {
  printf '%s\n' "$@" | awk '$1 ~ /^[-+]?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$/' | sort -g |
    awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR == 0) print "nan nan"; else print lo, hi }'
}
# calc EXPR: floating-point arithmetic through awk; "nan" when an operand is nan.
calc() { awk -v e="$1" 'BEGIN { if (e ~ /nan/) { print "nan"; exit } }
  BEGIN { n = split(e, t, " "); if (n != 3) { print "nan"; exit }
          a = t[1] + 0; b = t[3] + 0
          if (t[2] == "/") { if (b == 0) print "nan"; else printf "%.4f\n", a / b }
          else if (t[2] == "*") printf "%.4f\n", a * b
          else if (t[2] == "+") printf "%.4f\n", a + b
          else print "nan" }'; }
# flag VALUE OP LIMIT: PASS or MISS against a target (OP is >= or <=); n/a for nan.
flag() {
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { if (v == "nan") { print "n/a"; exit }
    ok = (op == ">=") ? (v + 0 >= l + 0) : (v + 0 <= l + 0); print ok ? "PASS" : "MISS" }'
}
# maxval VALUES...: the largest numeric value; "nan" if none.
maxval() { printf '%s\n' "$@" | awk '$1 != "nan" && $1 != "" { if (!s || $1 + 0 > m) m = $1 + 0; s = 1 } END { if (s) printf "%.1f\n", m; else print "nan" }'; }
fmt() { awk -v x="$1" -v f="$2" 'BEGIN { if (x == "nan" || x == "") print "-"; else printf f, x }'; }

# cpu_ticks: "total steal" jiffies from /proc/stat (steal = time the hypervisor took away).
cpu_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $9; exit }' /proc/stat; }

# busy_fraction SECONDS: share of all CPUs that was busy over SECONDS (for the quiet-machine check).
busy_fraction() {
  local a b
  a="$(awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $5 + $6; exit }' /proc/stat)"
  sleep "$1"
  b="$(awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $5 + $6; exit }' /proc/stat)"
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); dt = y[1] - x[1]
    if (dt <= 0) print 0; else printf "%.2f\n", 1 - (y[2] - x[2]) / dt }'
}

rss_target_mb() { awk -v n="$N" -v pq="$1" 'BEGIN { printf "%.1f\n", 1.1 * 8 * n * n / pq / 1e6 + 50 }'; }

# quote ARGS...: shell-quoted rendering of a command, for logs and --dry-run only.
quote() { local out="" a; for a in "$@"; do out+="$(printf '%q' "$a") "; done; printf '%s' "${out% }"; }

# ---------------------------------------------------------------------------------------------
# HPL.dat

# write_dat FILE N NB P Q: the fixed HPL.dat both programs read (one test).
write_dat() {
  local file="$1" n="$2" nb="$3" p="$4" q="$5"
  {
    printf '%s\n' "HPLinpack benchmark input file" "Innovative Computing Laboratory, University of Tennessee"
    printf '%-13s%s\n' \
      "HPL.out" "output file name (if any)" \
      "6" "device out (6=stdout,7=stderr,file)" \
      "1" "# of problems sizes (N)" \
      "$n" "Ns" \
      "1" "# of NBs" \
      "$nb" "NBs" \
      "0" "PMAP process mapping (0=Row-,1=Column-major)" \
      "1" "# of process grids (P x Q)" \
      "$p" "Ps" \
      "$q" "Qs" \
      "16.0" "threshold" \
      "1" "# of panel fact" \
      "2" "PFACTs (0=left, 1=Crout, 2=Right)" \
      "1" "# of recursive stopping criterium" \
      "4" "NBMINs (>= 1)" \
      "1" "# of panels in recursion" \
      "2" "NDIVs" \
      "1" "# of recursive panel fact." \
      "1" "RFACTs (0=left, 1=Crout, 2=Right)" \
      "1" "# of broadcast" \
      "1" "BCASTs (0=1rg,1=1rM,2=2rg,3=2rM,4=Lng,5=LnM)" \
      "1" "# of lookahead depth" \
      "1" "DEPTHs (>=0)" \
      "2" "SWAP (0=bin-exch,1=long,2=mix)" \
      "$nb" "swapping threshold" \
      "0" "L1 in (0=transposed,1=no-transposed) form" \
      "0" "U  in (0=transposed,1=no-transposed) form" \
      "1" "Equilibration (0=no,1=yes)" \
      "8" "memory alignment in double (> 0)"
  } >"$file"
}

# ---------------------------------------------------------------------------------------------
# Running

SEQ=0
RUNS_CSV=""

# Results of the last run_hpl / run_dgemm (globals, to keep bash simple):
R_GFLOPS="nan" R_TIME="nan" R_RESID="nan" R_STATUS="" R_RSS_MAX="nan" R_RSS_RANKS="" R_WALL="nan" R_STEAL="nan" R_DIR=""

# new_run_dir LABEL: makes OUT/runs/<seq>-LABEL and sets R_DIR.
new_run_dir() {
  SEQ=$(( SEQ + 1 ))
  R_DIR="$OUT/runs/$(printf '%03d' "$SEQ")-$1"
  mkdir -p "$R_DIR"
}

# timed_run LOGPREFIX CMD...: runs CMD in R_DIR with stdout/stderr captured and sets R_WALL,
# R_STEAL and R_RC.
R_RC=0
timed_run() {
  local prefix="$1"; shift
  quote "$@" >"$R_DIR/$prefix.cmd"; echo >>"$R_DIR/$prefix.cmd"
  local t0 t1 s0 s1
  s0="$(cpu_ticks)"; t0="$(date +%s.%N)"
  R_RC=0
  (cd "$R_DIR" && exec "$@") >"$R_DIR/$prefix.stdout" 2>"$R_DIR/$prefix.stderr" || R_RC=$?
  t1="$(date +%s.%N)"; s1="$(cpu_ticks)"
  R_WALL="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }')"
  R_STEAL="$(awk -v a="$s0" -v b="$s1" 'BEGIN { split(a, x, " "); split(b, y, " "); dt = y[1] - x[1]
    if (dt <= 0) print "0.0"; else printf "%.1f\n", 100 * (y[2] - x[2]) / dt }')"
  if (( R_RC == 124 || R_RC == 137 )); then
    note "  ! timed out after ${TIMEOUT}s: $R_DIR"
  fi
}

# run_hpl PROG BLAS P Q NB PHASE REP: one HPL run of PROG (xhpl|hplswift) in its own directory.
run_hpl() {
  local prog="$1" blas="$2" p="$3" q="$4" nb="$5" phase="$6" rep="$7"
  local np=$(( p * q ))
  new_run_dir "$blas-${p}x$q-$phase-$prog-nb$nb-$rep"
  write_dat "$R_DIR/HPL.dat" "$N" "$nb" "$p" "$q"

  local bin args=()
  if [[ "$prog" == xhpl ]]; then bin="$XHPL"; else bin="$HPLSWIFT"; args=(--dat "$R_DIR/HPL.dat"); fi

  local genv=(); mapfile -t genv < <(blas_genv "$blas")
  local cmd=(timeout --kill-after=30 "$TIMEOUT" "$MPIEXEC" "${genv[@]}")
  local r
  for (( r = 0; r < np; r++ )); do
    (( r == 0 )) || cmd+=(:)
    cmd+=(-n 1 "$TIME_BIN" -f "%M" -o "$R_DIR/rss.rank$r" "$bin" "${args[@]}")
  done

  R_GFLOPS="nan" R_TIME="nan" R_RESID="nan" R_STATUS="" R_RSS_MAX="nan" R_RSS_RANKS=""
  if (( DRY_RUN )); then
    note "  [dry-run] (cd $(quote "$R_DIR") && $(quote "${cmd[@]}"))"
    R_STATUS="DRYRUN"; R_WALL="nan"; R_STEAL="nan"
    return 0
  fi
  timed_run run "${cmd[@]}"

  # The result line starts with W (T/V code) and has 7 fields: T/V N NB P Q Time Gflops.
  local line
  line="$(awk '$1 ~ /^W[RC]/ && NF == 7 { print $6, $7; exit }' "$R_DIR/run.stdout")"
  if [[ -n "$line" ]]; then
    R_TIME="${line% *}"
    R_GFLOPS="$(awk -v g="${line#* }" 'BEGIN { printf "%.4f\n", g }')"
  fi
  line="$(awk '/\.\.\.\.\.\. (PASSED|FAILED)[[:space:]]*$/ { print $(NF - 2), $NF; exit }' "$R_DIR/run.stdout")"
  if [[ -n "$line" ]]; then R_RESID="${line% *}"; R_STATUS="${line#* }"; fi
  if [[ -z "$R_STATUS" ]]; then
    R_STATUS="ERROR(rc=$R_RC)"
  elif (( R_RC != 0 )) && [[ "$prog" == xhpl || "$R_STATUS" == PASSED ]]; then
    R_STATUS="$R_STATUS(rc=$R_RC)"   # hplswift is expected to exit non-zero only on FAILED
  fi
  [[ "$R_GFLOPS" != nan ]] || R_STATUS="ERROR(rc=$R_RC)"

  # Peak RSS per rank: /usr/bin/time writes KiB on its last line (after a possible
  # "Command exited with non-zero status" line).
  local kb mb list=()
  for (( r = 0; r < np; r++ )); do
    kb="$(tail -n 1 "$R_DIR/rss.rank$r" 2>/dev/null || true)"
    if [[ "$kb" =~ ^[0-9]+$ ]]; then mb="$(awk -v k="$kb" 'BEGIN { printf "%.1f\n", k * 1024 / 1e6 }')"; else mb="nan"; fi
    list+=("$mb")
  done
  R_RSS_RANKS="$(IFS=';'; echo "${list[*]}")"
  R_RSS_MAX="$(maxval "${list[@]}")"

  log_run "$blas" "${p}x$q" "$phase" "$rep" "$prog" "$nb"
}

# run_dgemm BLAS P Q NB PHASE REP: P*Q ranks of `hplswift dgemm` at the update's shape.
run_dgemm() {
  local blas="$1" p="$2" q="$3" nb="$4" phase="$5" rep="$6"
  local np=$(( p * q ))
  new_run_dir "$blas-${p}x$q-$phase-dgemm-nb$nb-$rep"
  local genv=(); mapfile -t genv < <(blas_genv "$blas")
  local cmd=(timeout --kill-after=30 "$TIMEOUT" "$MPIEXEC" "${genv[@]}" -n "$np"
    "$HPLSWIFT" dgemm --m "$DGEMM_MN" --n "$DGEMM_MN" --k "$nb" --repeat 3)
  R_GFLOPS="nan" R_TIME="nan" R_RESID="nan" R_STATUS="" R_RSS_MAX="nan" R_RSS_RANKS=""
  if (( DRY_RUN )); then
    note "  [dry-run] (cd $(quote "$R_DIR") && $(quote "${cmd[@]}"))"
    R_STATUS="DRYRUN"; R_WALL="nan"; R_STEAL="nan"
    return 0
  fi
  timed_run run "${cmd[@]}"
  R_GFLOPS="$(awk '/^dgemm total GFLOPS:/ { printf "%.4f\n", $4; exit }' "$R_DIR/run.stdout")"
  if [[ -n "$R_GFLOPS" && "$R_RC" == 0 ]]; then R_STATUS="OK"; else R_STATUS="ERROR(rc=$R_RC)"; fi
  [[ -n "$R_GFLOPS" ]] || R_GFLOPS="nan"
  log_run "$blas" "${p}x$q" "$phase" "$rep" dgemm "$nb"
}

BAD_RUNS=0
log_run() {
  case "$R_STATUS" in PASSED|OK|DRYRUN) ;; *) BAD_RUNS=$(( BAD_RUNS + 1 )) ;; esac
  printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' \
    "$SEQ" "$1" "$2" "$3" "$4" "$5" "$N" "$6" "$R_GFLOPS" "$R_TIME" "$R_RESID" "$R_STATUS" \
    "$R_RSS_RANKS" "$R_RSS_MAX" "$R_WALL" "$R_STEAL" "${R_DIR#"$OUT"/}" >>"$RUNS_CSV"
}

# describe_run: the progress-line tail for the last run.
describe_run() {
  if [[ "$R_STATUS" == DRYRUN ]]; then echo "(dry run)"; return; fi
  printf '%s GFLOPS' "$(fmt "$R_GFLOPS" '%.2f')"
  [[ "$R_TIME" == nan ]] || printf ', %ss' "$R_TIME"
  [[ -z "$R_RSS_RANKS" ]] || printf ', RSS %s MB' "${R_RSS_RANKS//;/\/}"
  printf ', steal %s%%, %s' "$R_STEAL" "$R_STATUS"
  case "$R_STATUS" in PASSED|OK) ;; *) printf ' (see %s)' "$R_DIR" ;; esac
  echo
}

# ---------------------------------------------------------------------------------------------
# Setup: output folder, environment record, preflight

if [[ -z "$OUT" ]]; then OUT="$REPO_ROOT/results/bench-$(date +%Y%m%d-%H%M%S)"; fi
mkdir -p "$OUT/runs"
OUT="$(cd "$OUT" && pwd)"
RUNS_CSV="$OUT/runs.csv"
echo "seq,blas,grid,phase,rep,prog,n,nb,gflops,time_s,resid,status,rss_ranks_mb,rss_max_mb,wall_s,steal_pct,dir" >"$RUNS_CSV"

{
  echo "date: $(date -Is)"
  echo "host: $(uname -n) $(uname -r) $(uname -m)"
  echo "cpu: $(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo) x $(nproc) online"
  echo "memory: $(awk '/^MemTotal/ { printf "%.1f GB", $2 * 1024 / 1e9 }' /proc/meminfo)"
  echo "mpiexec: $(command -v "$MPIEXEC") ($("$MPIEXEC" --version 2>/dev/null | awk '/Version:/ { print $2; exit }'))"
  echo "xhpl: $XHPL (sha256 $(sha256sum "$XHPL" | cut -c1-16))"
  if (( ONLY_XHPL )); then echo "hplswift: not run (--only-xhpl)"
  else
    echo "hplswift: $HPLSWIFT (sha256 $(sha256sum "$HPLSWIFT" | cut -c1-16); repo $(git -C "$REPO_ROOT" describe --always --dirty 2>/dev/null || echo unknown))"
  fi
  echo "system libblas.so.3 alternative: $(readlink -f "/usr/lib/$MULTIARCH/libblas.so.3" 2>/dev/null || echo unknown) (not used: each run sets LD_LIBRARY_PATH)"
  for b in "${BLASES[@]}"; do
    mapfile -t genv_show < <(blas_genv "$b")
    echo "$b: $(quote "${genv_show[@]}")"
    echo "  xhpl loads $(resolved_blas "$XHPL" "$b")"
    (( ONLY_XHPL )) || echo "  hplswift loads $(resolved_blas "$HPLSWIFT" "$b")"
  done
  echo "OPENBLAS_CORETYPE: ${CORETYPE:-unset} ($CORETYPE_REASON)"
  echo "N=$N NB list=(${NBS[*]}) grids=(${GRID_LIST[*]}) pairs=$PAIRS sweep-reps=$SWEEP_REPS"
  echo "dgemm shape: M=N=$DGEMM_MN K=NB, P*Q processes at once, --repeat 3"
  echo "HPL.dat: PMAP row, PFACT right, NBMIN 4, NDIV 2, RFACT Crout, BCAST 1ringM, DEPTH 1, SWAP mix (threshold NB), L1 0, U 0, EQUIL 1, ALIGN 8, threshold 16.0"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/env.txt"
cat "$OUT/env.txt" >&2

for b in "${BLASES[@]}"; do
  if [[ "$(resolved_blas "$XHPL" "$b")" != "$(blas_dir "$b")"/* ]]; then
    note "warning: xhpl does not load $b's libblas.so.3 under LD_LIBRARY_PATH; its '$b' runs may use another BLAS"
  fi
  if (( ! ONLY_XHPL )) && [[ "$(resolved_blas "$HPLSWIFT" "$b")" != "$(blas_dir "$b")"/* ]]; then
    note "warning: hplswift does not load $b's libblas.so.3 under LD_LIBRARY_PATH; its '$b' runs may use another BLAS"
  fi
done

max_np=0
for g in "${GRID_LIST[@]}"; do p="${g%x*}"; q="${g#*x}"; (( p * q > max_np )) && max_np=$(( p * q )); done
if (( max_np > $(nproc) )); then
  note "warning: a grid needs $max_np ranks but only $(nproc) CPUs are online; MPICH busy-polls, so oversubscribed runs are very slow and meaningless"
fi
mem_need_mb="$(awk -v np="$max_np" -v t="$(rss_target_mb "$max_np")" 'BEGIN { printf "%d\n", t * np }')"
mem_avail_mb="$(awk '/^MemAvailable/ { printf "%d\n", $2 * 1024 / 1e6 }' /proc/meminfo)"
if (( mem_need_mb > mem_avail_mb )); then
  note "warning: N=$N needs about $mem_need_mb MB in total but only $mem_avail_mb MB are available"
fi

if (( ! DRY_RUN )); then
  busy="$(busy_fraction 3)"
  if awk -v b="$busy" 'BEGIN { exit !(b > 0.10) }'; then
    note "warning: the machine was $(awk -v b="$busy" 'BEGIN { printf "%d", 100 * b }')% busy before the start; results will be noisy. Busiest processes:"
    ps -eo pid,pcpu,comm --sort=-pcpu | head -n 6 >&2 || true
  fi
fi

# Preflight: every program on every selected BLAS on a tiny case, so a broken setup fails in
# seconds rather than after an hour. Also checks that hplswift's dgemm line parses.
preflight() {
  local saved_n="$N" b g p q
  g="${GRID_LIST[0]}"; p="${g%x*}"; q="${g#*x}"
  N=400
  for b in "${BLASES[@]}"; do
    run_hpl xhpl "$b" "$p" "$q" 64 preflight 1
    note "preflight $b ${p}x$q N=400 xhpl: $(describe_run)"
    [[ "$R_STATUS" == PASSED || "$R_STATUS" == DRYRUN ]] || die "xhpl preflight failed on $b; see $R_DIR"
    if (( ! ONLY_XHPL )); then
      run_hpl hplswift "$b" "$p" "$q" 64 preflight 1
      note "preflight $b ${p}x$q N=400 hplswift: $(describe_run)"
      [[ "$R_STATUS" == PASSED || "$R_STATUS" == DRYRUN ]] || die "hplswift preflight failed on $b; see $R_DIR"
      local saved_mn="$DGEMM_MN"; DGEMM_MN=256
      run_dgemm "$b" "$p" "$q" 64 preflight 1
      DGEMM_MN="$saved_mn"
      note "preflight $b ${p}x$q dgemm 256x256x64: $(describe_run)"
      [[ "$R_STATUS" == OK || "$R_STATUS" == DRYRUN ]] ||
        die "hplswift dgemm preflight failed on $b (expected a line 'dgemm total GFLOPS: X'); see $R_DIR"
    fi
  done
  N="$saved_n"
}
preflight

# ---------------------------------------------------------------------------------------------
# Measurement

SUMMARY_CSV="$OUT/summary.csv"
SWEEP_CSV="$OUT/sweep.csv"
echo "blas,grid,n,nb,hplswift_gflops_median,xhpl_gflops_median,pair_mean_median,hplswift_runs,xhpl_runs" >"$SWEEP_CSV"
echo "blas,grid,n,nb,pairs,hplswift_gflops_median,hplswift_gflops_min,hplswift_gflops_max,xhpl_gflops_median,xhpl_gflops_min,xhpl_gflops_max,ratio,median_pair_ratio,ratio_flag,dgemm_m,dgemm_n,dgemm_k,dgemm_nproc,dgemm_total_gflops_median,hplswift_over_dgemm,xhpl_over_dgemm,dgemm_flag,hplswift_rss_mb_max_rank,xhpl_rss_mb_max_rank,rss_target_mb,rss_flag,hplswift_bad_runs,xhpl_bad_runs,openblas_coretype" >"$SUMMARY_CSV"

TABLE_ROWS=()

for blas in "${BLASES[@]}"; do
  for g in "${GRID_LIST[@]}"; do
    p="${g%x*}"; q="${g#*x}"
    tag="[$blas $g]"

    # 1. NB sweep: rounds over the NB list, xhpl then hplswift at each NB.
    best_nb="${NBS[0]}"
    if (( ${#NBS[@]} > 1 )); then
      declare -A SW_X=() SW_H=() SW_M=()
      for (( rep = 1; rep <= SWEEP_REPS; rep++ )); do
        for nb in "${NBS[@]}"; do
          note "$tag sweep $rep/$SWEEP_REPS NB=$nb"
          run_hpl xhpl "$blas" "$p" "$q" "$nb" sweep "$rep"; gx="$R_GFLOPS"
          [[ "$R_STATUS" == PASSED ]] || gx=nan
          note "  xhpl:     $(describe_run)"
          SW_X[$nb]+="$gx "
          if (( ! ONLY_XHPL )); then
            run_hpl hplswift "$blas" "$p" "$q" "$nb" sweep "$rep"; gh="$R_GFLOPS"
            [[ "$R_STATUS" == PASSED ]] || gh=nan
            note "  hplswift: $(describe_run)"
            SW_H[$nb]+="$gh "
            SW_M[$nb]+="$(calc "$gx + $gh" | awk '{ print ($1 == "nan") ? "nan" : $1 / 2 }') "
          else
            SW_M[$nb]+="$gx "
          fi
        done
      done
      best_val="" best_x="" best_nb_x="${NBS[0]}"
      note "$tag sweep medians (GFLOPS):"
      for nb in "${NBS[@]}"; do
        read -r -a xs <<<"${SW_X[$nb]}"; mx="$(median "${xs[@]}")"
        mh="nan"; hs=()
        if (( ! ONLY_XHPL )); then read -r -a hs <<<"${SW_H[$nb]}"; mh="$(median "${hs[@]}")"; fi
        read -r -a ms <<<"${SW_M[$nb]}"; mm="$(median "${ms[@]}")"
        note "  NB=$nb  xhpl $(fmt "$mx" '%.2f')  hplswift $(fmt "$mh" '%.2f')  pair mean $(fmt "$mm" '%.2f')"
        echo "$blas,$g,$N,$nb,$mh,$mx,$mm,$(IFS=';'; echo "${hs[*]:-}"),$(IFS=';'; echo "${xs[*]}")" >>"$SWEEP_CSV"
        if [[ "$mm" != nan ]] && { [[ -z "$best_val" ]] || awk -v a="$mm" -v b="$best_val" 'BEGIN { exit !(a > b) }'; }; then
          best_val="$mm"; best_nb="$nb"
        fi
        if [[ "$mx" != nan ]] && { [[ -z "$best_x" ]] || awk -v a="$mx" -v b="$best_x" 'BEGIN { exit !(a > b) }'; }; then
          best_x="$mx"; best_nb_x="$nb"
        fi
      done
      basis="$( (( ONLY_XHPL )) && echo 'xhpl' || echo 'pair mean')"
      if [[ -z "$best_val" ]]; then
        best_nb="$best_nb_x"; basis="xhpl (no valid pair means)"
      fi
      unset SW_X SW_H SW_M
      note "$tag chosen NB=$best_nb (best median $basis GFLOPS)"
    fi

    # 2. Alternating pairs at the chosen NB, with the dgemm rate measured after each pair.
    XG=() HG=() DG=() XR=() HR=() PR=()
    x_fail=0; h_fail=0
    for (( i = 1; i <= PAIRS; i++ )); do
      note "$tag pair $i/$PAIRS NB=$best_nb"
      run_hpl xhpl "$blas" "$p" "$q" "$best_nb" pair "$i"
      note "  xhpl:     $(describe_run)"
      gx="$R_GFLOPS"; [[ "$R_STATUS" == PASSED ]] || { gx=nan; [[ "$R_STATUS" == DRYRUN ]] || x_fail=$(( x_fail + 1 )); }
      XG+=("$gx"); [[ "$gx" == nan ]] || XR+=("$R_RSS_MAX")
      if (( ! ONLY_XHPL )); then
        run_hpl hplswift "$blas" "$p" "$q" "$best_nb" pair "$i"
        note "  hplswift: $(describe_run)"
        gh="$R_GFLOPS"; [[ "$R_STATUS" == PASSED ]] || { gh=nan; [[ "$R_STATUS" == DRYRUN ]] || h_fail=$(( h_fail + 1 )); }
        HG+=("$gh"); [[ "$gh" == nan ]] || HR+=("$R_RSS_MAX"); PR+=("$(calc "$gh / $gx")")
        run_dgemm "$blas" "$p" "$q" "$best_nb" pair "$i"
        note "  dgemm $DGEMM_MN x $DGEMM_MN x $best_nb on $(( p * q )) ranks: $(describe_run)"
        DG+=("$R_GFLOPS")
      fi
    done

    mx="$(median "${XG[@]}")"; read -r xlo xhi <<<"$(minmax "${XG[@]}")"
    mh="nan" hlo="nan" hhi="nan" md="nan" mpr="nan"
    if (( ! ONLY_XHPL )); then
      mh="$(median "${HG[@]}")"; read -r hlo hhi <<<"$(minmax "${HG[@]}")"
      md="$(median "${DG[@]}")"; mpr="$(median "${PR[@]}")"
    fi
    ratio="$(calc "$mh / $mx")"
    h_dg="$(calc "$mh / $md")"; x_dg="$(calc "$mx / $md")"
    rx="$(maxval "${XR[@]:-nan}")"
    rh="nan"
    (( ONLY_XHPL )) || rh="$(maxval "${HR[@]:-nan}")"
    target="$(rss_target_mb $(( p * q )))"
    f_ratio="$(flag "$ratio" '>=' 1.0)"; f_dg="$(flag "$h_dg" '>=' 0.92)"; f_rss="$(flag "$rh" '<=' "$target")"
    if (( ONLY_XHPL )); then bad="-/$x_fail"; else bad="$h_fail/$x_fail"; fi

    echo "$blas,$g,$N,$best_nb,$PAIRS,$mh,$hlo,$hhi,$mx,$xlo,$xhi,$ratio,$mpr,$f_ratio,$DGEMM_MN,$DGEMM_MN,$best_nb,$(( p * q )),$md,$h_dg,$x_dg,$f_dg,$rh,$rx,$target,$f_rss,$h_fail,$x_fail,$( [[ "$blas" == openblas ]] && echo "${CORETYPE:-unset}" || echo '-')" >>"$SUMMARY_CSV"
    TABLE_ROWS+=("$(printf '%-8s %-4s %4s | %8s %8s %6s %-4s | %8s %6s %-4s | %7s %7s %7s %-4s | %s' \
      "$blas" "$g" "$best_nb" "$(fmt "$mh" '%.2f')" "$(fmt "$mx" '%.2f')" "$(fmt "$ratio" '%.3f')" "$f_ratio" \
      "$(fmt "$md" '%.2f')" "$(fmt "$h_dg" '%.3f')" "$f_dg" \
      "$(fmt "$rh" '%.1f')" "$(fmt "$rx" '%.1f')" "$(fmt "$target" '%.1f')" "$f_rss" "$bad")")
  done
done

# ---------------------------------------------------------------------------------------------
# Final table

{
  echo
  echo "hplswift vs xhpl: N=$N, $PAIRS alternating pairs at the chosen NB, medians (GFLOPS); output in $OUT"
  [[ " ${BLASES[*]} " != *" openblas "* ]] || echo "OpenBLAS: OPENBLAS_NUM_THREADS=1, OPENBLAS_CORETYPE=${CORETYPE:-unset} ($CORETYPE_REASON)"
  echo "dgemm: $DGEMM_MN x $DGEMM_MN x NB on P*Q processes at once, measured after each pair. RSS: peak per rank (worst rank, worst run), MB = 10^6 B"
  echo "targets: ratio hplswift/xhpl >= 1.0; hplswift/dgemm >= 0.92; hplswift RSS <= 1.1*8N^2/(PQ) + 50 MB. bad = pair runs with FAILED residual or no result"
  printf '%-8s %-4s %4s | %8s %8s %6s %-4s | %8s %6s %-4s | %7s %7s %7s %-4s | %s\n' \
    BLAS grid NB hplswift xhpl ratio '>=1' dgemm hs/dg '>=.92' 'RSS hs' 'RSS xh' target RSS 'bad hs/xh'
  printf '%s\n' "${TABLE_ROWS[@]}"
  (( ! ONLY_XHPL )) || echo "(--only-xhpl: hplswift and dgemm columns not measured)"
  (( ! DRY_RUN )) || echo "(--dry-run: nothing was run)"
  (( BAD_RUNS == 0 )) || echo "$BAD_RUNS run(s) FAILED their residual check or gave no result: see status in $RUNS_CSV"
} | tee "$OUT/summary.txt"

# Exit status: 0 when every run gave a PASSED result (whether or not the targets were met),
# 1 when any run failed or gave no result, 2 without --xhpl.
(( BAD_RUNS == 0 )) || exit 1
