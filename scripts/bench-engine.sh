#!/usr/bin/env bash
# The engine against the speed yardstick (issue 13): the citizen layer alone, and a whole baseline run
# priced in its Deffuant–Weisbuch encounters, each as a ratio of CPU seconds to the reference tight loop
# `rust_limit` (../shared/peers/rust_limit, or $RUST_LIMIT_DIR) doing the same encounters with the same
# ChaCha8 generator on the same kind of graph.
#
#   scripts/bench-engine.sh            # the two ratios (each side: median of $REPS runs, CPU = user + sys)
#   scripts/bench-engine.sh --full     # also 1 vs 2 threads on the baseline, and peak memory at
#                                      # $MEM_SMALL vs $MEM_LARGE baseline runs (/usr/bin/time -v)
#
# Environment: REPS (default 3), CITIZEN_RUNS (400), BASELINE_RUNS (400), MEM_SMALL (1000),
# MEM_LARGE (20000), RUST_LIMIT_DIR. CPU time (user + sys) is measured, not wall time, so the figures
# hold on a machine shared with other work; the thread scaling is the one wall-time figure (it is what
# threads buy), so run it on an otherwise idle machine. The script prints figures; it never fails on
# them (speed is not a test).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
export CARGO_TERM_COLOR=never

full=0
for a in "$@"; do
    case "$a" in
        --full) full=1 ;;
        -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument $a (try --help)" >&2; exit 2 ;;
    esac
done
REPS="${REPS:-3}"
CITIZEN_RUNS="${CITIZEN_RUNS:-400}"
BASELINE_RUNS="${BASELINE_RUNS:-400}"
MEM_SMALL="${MEM_SMALL:-1000}"
MEM_LARGE="${MEM_LARGE:-20000}"

# --- the reference -------------------------------------------------------------------------------
src="${RUST_LIMIT_DIR:-$root/../shared/peers/rust_limit}"
if [[ ! -f "$src/Cargo.toml" ]]; then
    echo "reference not found at $src (set RUST_LIMIT_DIR)" >&2
    exit 2
fi
# ../shared is read-only by intent (its files are r--r--r--, even where root could write): build a
# copy under target/, kept between runs so it builds once
ref_dir="$root/target/bench-engine/rust_limit"
mkdir -p "$ref_dir"
rm -rf "$ref_dir/src" "$ref_dir/Cargo.toml" "$ref_dir/Cargo.lock"
cp -r "$src/Cargo.toml" "$src/src" "$ref_dir/"
if [[ -f "$src/Cargo.lock" ]]; then cp "$src/Cargo.lock" "$ref_dir/"; fi
chmod -R u+w "$ref_dir"
echo "== building the reference ($ref_dir) and crossroads" >&2
(cd "$ref_dir" && cargo build --release --quiet)
cargo build --release --quiet --bin crossroads --example encounters
ref="$ref_dir/target/release/rust_limit"
bin="$root/target/release/crossroads"
enc="$root/target/release/examples/encounters"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# cpu CMD...: runs CMD (output discarded), prints its user + sys CPU seconds
cpu() {
    /usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/stderr" || {
        cat "$tmp/stderr" >&2
        return 1
    }
    awk '{ printf "%.3f\n", $1 + $2 }' "$tmp/time"
}
# wall CMD...: elapsed seconds
wall() {
    /usr/bin/time -f '%e' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/stderr" || {
        cat "$tmp/stderr" >&2
        return 1
    }
    cat "$tmp/time"
}
# peak CMD...: peak resident set, kB
peak() {
    /usr/bin/time -v -o "$tmp/time" "$@" >/dev/null 2>"$tmp/stderr" || {
        cat "$tmp/stderr" >&2
        return 1
    }
    awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$tmp/time"
}
# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# times N FN CMD...: the N figures of FN on CMD, space-separated, then their median on the next line
times_of() {
    local n="$1" fn="$2"
    shift 2
    local xs=()
    for _ in $(seq "$n"); do xs+=("$($fn "$@")"); done
    echo "${xs[*]}"
    printf '%s\n' "${xs[@]}" | median
}

# --- workloads ------------------------------------------------------------------------------------
N=2000 TICKS=60 EPS=0.2
citizen_sets=(
    --set "countries.land.population.network=WattsStrogatz(k:6,p:0.1)"
    --set "countries.land.population.size=$N"
    --set "countries.land.population.dynamics.epsilon=$EPS"
    --set "run.horizon=$TICKS"
    --set "record.population_detail=false"
)
ref_cmd=("$ref" --n "$N" --ticks "$TICKS" --eps "$EPS" --topology ws --reps "$CITIZEN_RUNS" --seed 1 --scheme pairs)
cit_cmd=("$bin" run scenarios/citizens_only.ron "${citizen_sets[@]}" --runs "$CITIZEN_RUNS" --threads 1
    --no-charts --quiet --force --out "$tmp/citizens")
base_cmd=("$bin" run scenarios/baseline.ron --runs "$BASELINE_RUNS" --threads 1 --no-charts --quiet --force
    --out "$tmp/baseline")
ref_enc=$((N * TICKS * CITIZEN_RUNS))
cit_enc=$(("$("$enc" scenarios/citizens_only.ron "${citizen_sets[@]}")" * CITIZEN_RUNS))
base_run_enc="$("$enc" scenarios/baseline.ron)"
base_enc=$((base_run_enc * BASELINE_RUNS))

echo "== measuring (CPU seconds = user + sys; median of $REPS; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
mapfile -t r < <(times_of "$REPS" cpu "${ref_cmd[@]}")
mapfile -t c < <(times_of "$REPS" cpu "${cit_cmd[@]}")
mapfile -t b < <(times_of "$REPS" cpu "${base_cmd[@]}")
ref_ns=$(awk -v t="${r[1]}" -v e="$ref_enc" 'BEGIN { printf "%.2f", t / e * 1e9 }')

echo "reference   rust_limit ws n=$N ticks=$TICKS eps=$EPS reps=$CITIZEN_RUNS: CPU s ${r[0]} -> median ${r[1]} ($ref_ns ns/encounter incl. setup)"
echo "citizens    citizens_only.ron, same workload, $CITIZEN_RUNS runs, 1 thread: CPU s ${c[0]} -> median ${c[1]}"
echo "baseline    baseline.ron, $BASELINE_RUNS runs, 1 thread, $base_run_enc encounters/run: CPU s ${b[0]} -> median ${b[1]}"
awk -v c="${c[1]}" -v r="${r[1]}" -v ce="$cit_enc" -v re="$ref_enc" 'BEGIN {
    printf "RATIO citizen layer / reference:              %.2fx  (target <= 1.5)\n", (c / ce) / (r / re) }'
awk -v b="${b[1]}" -v r="${r[1]}" -v be="$base_enc" -v re="$ref_enc" 'BEGIN {
    printf "RATIO baseline run / its encounters at ref:   %.2fx  (target <= 3)  [%.1f ns per encounter]\n",
        (b / be) / (r / re), b / be * 1e9 }'

if ((full)); then
    mapfile -t w1 < <(times_of "$REPS" wall "${base_cmd[@]}")
    base2=("${base_cmd[@]}")
    base2[6]=2 # --threads 2
    mapfile -t w2 < <(times_of "$REPS" wall "${base2[@]}")
    echo "threads     baseline, $BASELINE_RUNS runs, wall s: 1 thread ${w1[0]} -> ${w1[1]}; 2 threads ${w2[0]} -> ${w2[1]}"
    awk -v a="${w1[1]}" -v b="${w2[1]}" 'BEGIN { printf "RATIO 2 threads speed-up:                     %.2fx  (target >= 1.8; wall time: needs an idle machine)\n", a / b }'
    small=("$bin" run scenarios/baseline.ron --runs "$MEM_SMALL" --no-charts --quiet --force --out "$tmp/mem")
    large=("$bin" run scenarios/baseline.ron --runs "$MEM_LARGE" --no-charts --quiet --force --out "$tmp/mem")
    m1="$(peak "${small[@]}")"
    m2="$(peak "${large[@]}")"
    echo "memory      baseline peak RSS: $MEM_SMALL runs $m1 kB, $MEM_LARGE runs $m2 kB"
    awk -v a="$m1" -v b="$m2" -v l="$MEM_LARGE" -v s="$MEM_SMALL" \
        'BEGIN { printf "RATIO peak memory %s / %s runs:          %.3f  (target <= 1.10)\n", l, s, b / a }'
fi
