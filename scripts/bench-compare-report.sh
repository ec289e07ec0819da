#!/usr/bin/env bash
# bench-compare-report.sh: how long `clusterbench compare` and `clusterbench report` take on a big
# results folder, and how much memory they need, measured on this machine.
#
# Usage:
#   scripts/bench-compare-report.sh [--results-rows 10000] [--telemetry-rows 1000000] [--out DIR]
#       [--bin-dir .build/release] [--keep]
#
# Generates, into a temporary folder (or --out), a results folder shaped like a real one:
#   - results/hpl.csv with --results-rows rows: 5 sweeps of the ROCK-CNN shape (1 to 22 nodes at
#     20 % and 80 % of memory, 5 repetitions, several N/NB tests per run) and runs in no sweep;
#   - results/sweeps/<job>/points.csv for each sweep (a few points timed out or failed);
#   - results/runs/<run id>/ telemetry (thermal, memory, cpu, network CSV files and metadata.json)
#     for every run of the latest sweep, --telemetry-rows rows in all (12 rows per node and sample:
#     2 thermal zones, memory, 7 cpu rows, 2 interfaces), as hplswift --telemetry writes them.
# Then runs each command on it, timed by /usr/bin/time (wall time and peak resident memory), and
# again on a copy with a quarter of the telemetry rows: peak memory that does not grow with the
# rows is what "bounded" means. Prints our figures next to the targets (10 s each, bounded memory).
#
# Builds clusterbench in release mode (swift build -c release) when --bin-dir has none.
# Output: the table on stdout, progress on stderr; the data is deleted unless --keep or --out.
# Needs python3 (the generator) and /usr/bin/time (Debian's `time` package).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RESULTS_ROWS=10000
TELEMETRY_ROWS=1000000
OUT=""
KEEP=0
BIN_DIR="$REPO_ROOT/.build/release"
TARGET_SECONDS=10

usage() { sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { printf 'bench-compare-report: error: %s\n' "$*" >&2; exit 1; }
note() { printf '%s\n' "$*" >&2; }
need_value() { [[ $# -ge 2 && -n "$2" ]] || die "option $1 needs a value"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --results-rows) need_value "$@"; RESULTS_ROWS="$2"; shift 2 ;;
    --telemetry-rows) need_value "$@"; TELEMETRY_ROWS="$2"; shift 2 ;;
    --out) need_value "$@"; OUT="$2"; KEEP=1; shift 2 ;;
    --bin-dir) need_value "$@"; BIN_DIR="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

[[ "$RESULTS_ROWS" =~ ^[1-9][0-9]*$ ]] || die "--results-rows must be a positive integer, got '$RESULTS_ROWS'"
[[ "$TELEMETRY_ROWS" =~ ^[1-9][0-9]*$ ]] || die "--telemetry-rows must be a positive integer, got '$TELEMETRY_ROWS'"
command -v python3 >/dev/null || die "python3 not found (apt-get install python3): it generates the data"
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (apt-get install time): it measures peak memory"

if [[ ! -x "$BIN_DIR/clusterbench" ]]; then
  [[ "$BIN_DIR" == "$REPO_ROOT/.build/release" ]] || die "--bin-dir: no clusterbench in $BIN_DIR"
  note "bench-compare-report: building clusterbench in release mode"
  (cd "$REPO_ROOT" && swift build -c release --product clusterbench >&2) || die "the release build failed"
fi
CLUSTERBENCH="$(cd "$BIN_DIR" && pwd)/clusterbench"

if [[ -z "$OUT" ]]; then
  OUT="$(mktemp -d "${TMPDIR:-/tmp}/bench-compare-report.XXXXXX")"
fi
mkdir -p "$OUT"
[[ "$KEEP" == 1 ]] || trap 'rm -rf "$OUT"' EXIT

# generate FOLDER TELEMETRY_ROWS: writes FOLDER/results; prints "results_rows telemetry_rows runs".
generate() {
  python3 - "$1" "$RESULTS_ROWS" "$2" <<'PYTHON'
import json, math, os, sys

folder, results_rows, telemetry_rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
results = os.path.join(folder, "results")
os.makedirs(results, exist_ok=True)
GIB = 1 << 30
HEADER = ("timestamp,run_id,hosts,ranks,ranks_per_host,n,nb,p,q,pmap,pfact,nbmin,ndiv,rfact,bcast,depth,swap,"
          "swap_threshold,l1_form,u_form,equilibration,alignment,tv,seconds,gflops,residual,status,blas,peak_rss_mb")
POINTS = ("job,point,nodes,ranks_per_node,ranks,memory_fraction,n,nb,p,q,repetition,status,exit_status,started,"
          "seconds,gflops,run_id,hosts,run_folder,note")
hosts = [f"node{i:02d}" for i in range(1, 23)]
sweeps = [f"bench-{c}" for c in "abcde"]
fractions, repetitions, tests_per_run = (0.2, 0.8), 5, 8
clock = 0  # seconds since 2026-11-23T00:00:00Z

def iso(seconds, millis=False):
    days, rest = divmod(int(seconds), 86400)
    hour, rest = divmod(rest, 3600)
    minute, second = divmod(rest, 60)
    day = 23 + days  # November has room: the generated span is a few days
    text = f"2026-11-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
    return text + (f".{int(seconds * 1000) % 1000:03d}Z" if millis else "Z")

def grid(ranks):
    p = int(ranks ** 0.5)
    while ranks % p:
        p -= 1
    return p, ranks // p

rows, runs = [], []
for sweep_index, sweep in enumerate(sweeps):
    speed = (1.0, 0.93, 0.85, 1.05, 0.97)[sweep_index]  # as if on another network or BLAS
    points = []
    for fraction in fractions:
        for nodes in range(1, 23):
            for repetition in range(1, repetitions + 1):
                run = f"{sweep}-n{nodes:02d}-m{int(fraction * 100)}-r{repetition}"
                started = clock
                used = hosts[:nodes]
                p, q = grid(nodes * 6)
                status = "passed"
                if nodes == 22 and repetition == 5:
                    status = "timeout" if fraction == 0.2 else "failed"
                n = int((fraction * nodes * 4 * GIB / 8) ** 0.5) // 192 * 192
                best = speed * 4.6 * nodes ** (0.93 * speed) * (1.2 if fraction == 0.8 else 1.0)
                if status != "timeout":
                    for test in range(tests_per_run):
                        gflops = best * (0.9 + 0.1 * test / tests_per_run) * (1 - 0.01 * repetition)
                        verdict = "FAILED" if status == "failed" and test == 0 else "PASSED"
                        clock += 30
                        rows.append(f"{iso(clock)},{run},{';'.join(used)},{nodes * 6},6,{n},{192 + 32 * (test % 2)},"
                                    f"{p},{q},row,Right,4,2,Crout,1ringM,1,mix,192,transposed,transposed,yes,8,"
                                    f"WR11C2R4,{n ** 3 / 1.5e9 / gflops:.3f},{gflops:.4f},0.0041,{verdict},ATLAS 3.10.3,"
                                    f"{600 * fraction:.1f}")
                clock += 60
                points.append(f"{sweep},nodes{nodes:02d}-mem{fraction:.2f}-nb192-rep{repetition},{nodes},6,{nodes * 6},"
                              f"{fraction},{n},192,{p},{q},{repetition},{status},"
                              f"{'' if status == 'timeout' else (1 if status == 'failed' else 0)},{iso(started)},"
                              f"{clock - started},{'' if status == 'timeout' else f'{best:.4f}'},{run},{';'.join(used)},runs/{run},")
                runs.append((sweep, run, used, started, fraction))
    os.makedirs(os.path.join(results, "sweeps", sweep), exist_ok=True)
    with open(os.path.join(results, "sweeps", sweep, "points.csv"), "w") as file:
        file.write(POINTS + "\n" + "\n".join(points) + "\n")

# Runs in no sweep fill the results to the asked count (and trim it if the sweeps gave more).
adhoc = 0
while len(rows) < results_rows:
    clock += 45
    rows.append(f"{iso(clock)},adhoc-{adhoc // 4},vm,2,2,10000,192,1,2,row,Right,4,2,Crout,1ringM,1,mix,192,"
                f"transposed,transposed,yes,8,WR11C2R4,23.0,{28 + adhoc % 5}.5,0.0055,PASSED,ATLAS 3.10.3,458.6")
    adhoc += 1
rows = rows[:results_rows]
with open(os.path.join(results, "hpl.csv"), "w") as file:
    file.write(HEADER + "\n" + "\n".join(rows) + "\n")

# Telemetry for the runs of the latest sweep: 12 rows per node and sample, samples spread evenly.
latest = [run for run in runs if run[0] == sweeps[-1]]
node_runs = sum(len(used) for _, _, used, _, _ in latest)
samples = max(1, -(-telemetry_rows // (12 * node_runs)))  # ceiling: at least the asked rows
written = 0
TH = "timestamp,run_id,host,sensor,type,temp_celsius,cooling_current_state,cooling_max_state\n"
ME = ("timestamp,run_id,host,mem_total_bytes,mem_available_bytes,mem_used_bytes,mem_used_percent,swap_used_bytes,"
      "ranks,ranks_resident_bytes,rank_max_resident_bytes,rank_max_peak_resident_bytes\n")
CP = ("timestamp,run_id,host,cpu,utilization_percent,user_percent,system_percent,iowait_percent,"
      "scaling_frequency_hertz,load1,load5,load15\n")
NE = "timestamp,run_id,host,device,receive_bytes,transmit_bytes,receive_packets,transmit_packets\n"
for sweep, run, used, started, fraction in latest:
    folder = os.path.join(results, "runs", run)
    os.makedirs(folder, exist_ok=True)
    thermal, memory, cpu, network = [TH], [ME], [CP], [NE]
    for sample in range(samples):
        when = iso(started + sample * 1.0 + 0.25, millis=True)
        for index, host in enumerate(used):
            # Warmer with more nodes busy and drifting slowly with the room, as boards in a rack do.
            heat = 42 + index * 0.4 + 8 * len(used) / 22 + 2 * math.sin((started + sample) / 900) + 0.5 * (sample % 3)
            thermal.append(f"{when},{run},{host},thermal_zone0,cpu-thermal,{heat:.1f},,\n"
                           f"{when},{run},{host},thermal_zone1,gpu-thermal,{heat - 6:.1f},,\n")
            used_bytes = int(4 * GIB * (0.12 + fraction * sample / samples))
            memory.append(f"{when},{run},{host},{4 * GIB},{4 * GIB - used_bytes},{used_bytes},"
                          f"{used_bytes * 100 / (4 * GIB):.2f},0,6,{used_bytes // 2},{used_bytes // 12},{used_bytes // 12}\n")
            cpu.append(f"{when},{run},{host},all,96.50,95.00,1.50,0.00,,5.9,5.1,3.2\n")
            cpu.extend(f"{when},{run},{host},{core},96.00,95.00,1.00,0.00,1416000000,,,\n" for core in range(6))
            network.append(f"{when},{run},{host},lo,1000,1000,10,10\n{when},{run},{host},eth0,250000,240000,300,290\n")
            written += 12
    for name, lines in (("thermal", thermal), ("memory", memory), ("cpu", cpu), ("network", network)):
        with open(os.path.join(folder, name + ".csv"), "w") as file:
            file.write("".join(lines))
    metadata = {"run_id": run, "program": "hplswift", "command": ["hplswift", "--telemetry=1"], "hosts": used,
                "ranks": 6 * len(used), "ranks_per_host": {h: 6 for h in used}, "interval_seconds": 1,
                "start": iso(started, millis=True), "end": iso(started + samples, millis=True),
                "samples": {h: samples for h in used}, "problems": {}}
    with open(os.path.join(folder, "metadata.json"), "w") as file:
        json.dump(metadata, file, indent=2, sort_keys=True)
print(len(rows), written, len(runs) + (adhoc + 3) // 4)
PYTHON
}

# measure LABEL FOLDER ARGS...: runs clusterbench ARGS in FOLDER; prints "seconds peak_mib".
measure() {
  local label="$1" folder="$2"
  shift 2
  if ! (cd "$folder" && /usr/bin/time -f '%e %M' -o "$OUT/$label.time" "$CLUSTERBENCH" "$@" \
    >"$OUT/$label.stdout" 2>"$OUT/$label.stderr"); then
    die "clusterbench $* failed (see $OUT/$label.stderr)"
  fi
  awk '{ printf "%.2f %.1f\n", $1, $2 / 1024 }' "$OUT/$label.time"
}

note "bench-compare-report: generating $RESULTS_ROWS result rows and $TELEMETRY_ROWS telemetry rows in $OUT/full"
read -r results_rows telemetry_rows runs < <(generate "$OUT/full" "$TELEMETRY_ROWS")
quarter_rows=$(( TELEMETRY_ROWS / 4 ))
note "bench-compare-report: generating the same results with $quarter_rows telemetry rows in $OUT/quarter"
read -r _ quarter_written _ < <(generate "$OUT/quarter" "$quarter_rows")
telemetry_bytes="$(du -sb "$OUT/full/results/runs" | cut -f1)"

note "bench-compare-report: timing clusterbench compare and report with $CLUSTERBENCH"
read -r compare_s compare_mib < <(measure compare-full "$OUT/full" compare)
read -r compare_csv_s compare_csv_mib < <(measure compare-csv-full "$OUT/full" compare --csv)
read -r report_s report_mib < <(measure report-full "$OUT/full" report --out results/report.html)
read -r _ compare_q_mib < <(measure compare-quarter "$OUT/quarter" compare)
read -r _ report_q_mib < <(measure report-quarter "$OUT/quarter" report --out results/report.html)
report_kib="$(( $(stat -c %s "$OUT/full/results/report.html") / 1024 ))"
table_lines="$(( $(wc -l <"$OUT/compare-csv-full.stdout") - 1 ))"

verdict() { awk -v v="$1" -v l="$2" 'BEGIN { print (v + 0 < l + 0) ? "PASS" : "MISS" }'; }
growth() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f", a - b }'; }

printf '\n%s result rows (%s runs, 5 sweeps), %s telemetry rows (%s MiB of CSV) in %s\n' "$results_rows" "$runs" \
  "$telemetry_rows" "$(( telemetry_bytes / 1048576 ))" "$OUT/full/results"
printf '%-34s %-12s %-44s %-14s\n' "command" "wall time" "peak RSS (at 1/4 of the telemetry rows)" "target"
printf '%-34s %-12s %-44s %-14s\n' "clusterbench compare" "$compare_s s" \
  "$compare_mib MiB ($compare_q_mib MiB, $(growth "$compare_mib" "$compare_q_mib"))" \
  "< $TARGET_SECONDS s $(verdict "$compare_s" "$TARGET_SECONDS")"
printf '%-34s %-12s %-44s %-14s\n' "clusterbench compare --csv" "$compare_csv_s s" "$compare_csv_mib MiB" \
  "< $TARGET_SECONDS s $(verdict "$compare_csv_s" "$TARGET_SECONDS")"
printf '%-34s %-12s %-44s %-14s\n' "clusterbench report" "$report_s s" \
  "$report_mib MiB ($report_q_mib MiB, $(growth "$report_mib" "$report_q_mib"))" \
  "< $TARGET_SECONDS s $(verdict "$report_s" "$TARGET_SECONDS")"
printf '\nthe table has %s lines; the report is %s KiB; 1/4 of the telemetry = %s rows\n' "$table_lines" "$report_kib" \
  "$quarter_written"
[[ "$KEEP" == 1 ]] && printf 'data and outputs kept in %s\n' "$OUT"
exit 0
