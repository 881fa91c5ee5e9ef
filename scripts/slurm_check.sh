#!/usr/bin/env bash
# A real Slurm test on this machine: installs Debian's Slurm and munge when missing, starts munged,
# slurmctld and slurmd on 127.0.0.1 with a minimal slurm.conf in a temp folder, submits the scripts of
# `crossroads slurm scenarios/baseline.ron --runs 120 --shards 4 --cpus 1`, waits for the merge job and
# checks the merged folder is byte-identical to the same batch run whole in one process; then checks
# that a missing shard makes `crossroads merge` refuse (exit 2, naming the shard). Stops the daemons it
# started, by PID. Needs root. Usage: bash scripts/slurm_check.sh [path/to/crossroads]
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
bin="$(realpath "${1:-target/release/crossroads}")"
deadline=$((SECONDS + 540)) # the whole script stays under 10 minutes
fail() {
  echo "slurm_check: FAIL: $*" >&2
  exit 1
}
step() { echo "== slurm_check: $* ($((SECONDS))s)"; }

[ -x "$bin" ] || fail "$bin: no crossroads binary (cargo build --release first)"
[ "$(id -u)" = 0 ] || fail "needs root (installs packages, runs slurmd)"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null ||
  ! command -v munged >/dev/null; then
  step "installing slurmctld slurmd slurm-client munge"
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get update -qq
  timeout 300 apt-get install -y -qq slurmctld slurmd slurm-client munge >/dev/null
fi

tmp="$(mktemp -d /tmp/slurm_check.XXXXXX)"
pids=()
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  if [ "$rc" != 0 ]; then
    echo "slurm_check: logs kept in $tmp" >&2
    for f in "$tmp"/log/*.log "$tmp"/gen/logs/*; do
      [ -f "$f" ] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }
    done
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
mkdir -p "$tmp"/{log,spool,state,munge,run}

step "munge"
key=/etc/munge/munge.key
if [ ! -s "$key" ]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom bs=1 count=1024 of="$key" status=none
fi
chown root:root "$key" && chmod 400 "$key"
sock="$tmp/munge/munge.socket.2"
# Our own munged (as root, on its own socket) so we can stop exactly what we started.
munged -F --force --key-file="$key" --socket="$sock" --pid-file="$tmp/munge/munged.pid" \
  --log-file="$tmp/log/munged.log" --seed-file="$tmp/munge/munged.seed" >"$tmp/log/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || fail "munged did not start (see $tmp/log/munged.log)"
munge --socket="$sock" -n | unmunge --socket="$sock" >/dev/null || fail "munge round trip failed"

step "slurm.conf"
host="$(hostname -s)"
conf="$tmp/slurm.conf"
cat >"$conf" <<EOF
ClusterName=crossroads-check
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/run/slurmctld.pid
SlurmdPidFile=$tmp/run/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=600
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 NodeHostname=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$conf"

step "slurmctld and slurmd"
slurmctld -D -i -f "$conf" >"$tmp/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$conf" -N "$host" >"$tmp/log/slurmd.out" 2>&1 &
pids+=($!)
idle=""
for _ in $(seq 60); do
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || fail "a daemon (pid $p) exited early"; done
  state="$(sinfo -h -n "$host" -o %T 2>/dev/null || true)"
  if [ "$state" = idle ]; then idle=1; break; fi
  sleep 1
done
[ -n "$idle" ] || fail "node $host not idle after 60 s (sinfo: ${state:-no answer})"
sinfo

step "crossroads slurm"
gen="$tmp/gen"
"$bin" slurm scenarios/baseline.ron --runs 120 --shards 4 --cpus 1 --out "$gen" >"$tmp/slurm.out"
cat "$tmp/slurm.out"
cp "$gen/array.sbatch" "$tmp/array.first"
"$bin" slurm scenarios/baseline.ron --runs 120 --shards 4 --cpus 1 --out "$gen" --force >/dev/null
cmp "$gen/array.sbatch" "$tmp/array.first" || fail "crossroads slurm is not deterministic"
grep -q -- "--array=0-3" "$gen/array.sbatch" || fail "no --array=0-3 in array.sbatch"

step "submit"
bash "$gen/submit.sh" | tee "$tmp/submit.out"
array="$(sed -n 's/^array_job=//p' "$tmp/submit.out")"
merge="$(sed -n 's/^merge_job=//p' "$tmp/submit.out")"
[ -n "$array" ] && [ -n "$merge" ] || fail "submit.sh printed no job ids"
t0=$SECONDS
while squeue -h -j "$array,$merge" 2>/dev/null | grep -q .; do
  [ $SECONDS -lt $deadline ] || { squeue; fail "jobs still queued or running at the time limit"; }
  sleep 2
done
echo "jobs done in $((SECONDS - t0)) s"
state="$(scontrol show job "$merge" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -1)"
[ "$state" = COMPLETED ] || fail "merge job $merge ended $state"
for i in 0 1 2 3; do
  [ -f "$gen/shards/shard-$i/manifest.json" ] || fail "no shard-$i"
done

step "merged vs whole batch in one process"
whole="$tmp/whole"
"$bin" run "$(realpath scenarios/baseline.ron)" --runs 120 --no-charts --quiet --out "$whole"
for f in runs.csv series.csv summary.json aggregates.json scenario.ron; do
  cmp "$gen/merged/$f" "$whole/$f" || fail "$f differs"
  echo "identical: $f"
done
# The merge job draws charts and the whole batch does not: the manifests' file lists are compared
# on the data files only.
strip='del(.started_at, .finished_at, .threads, .shard)
  | .files |= ((. // []) | map(select((.name | startswith("charts/")) or .name == "report.html" | not)))'
if command -v jq >/dev/null; then
  diff <(jq -S "$strip" "$gen/merged/manifest.json") <(jq -S "$strip" "$whole/manifest.json") ||
    fail "manifest.json differs"
else
  python3 - "$gen/merged/manifest.json" "$whole/manifest.json" <<'PY' || fail "manifest.json differs"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for m in (a, b):
    for k in ("started_at", "finished_at", "threads", "shard"):
        m.pop(k, None)
    m["files"] = [f for f in m.get("files", [])
                  if not f["name"].startswith("charts/") and f["name"] != "report.html"]
sys.exit(0 if a == b else 1)
PY
fi
echo "identical: manifest.json (times, threads, shard and drawn charts aside)"

step "failure path: a missing shard"
rm -rf "$gen/shards/shard-2"
set +e
"$bin" merge "$gen"/shards/shard-* --out "$tmp/bad" --no-charts >"$tmp/bad.out" 2>&1
rc=$?
bash "$gen/merge.sbatch" >"$tmp/bad2.out" 2>&1
rc2=$?
set -e
cat "$tmp/bad.out"
[ $rc = 2 ] || fail "merge with a missing shard exited $rc, expected 2"
grep -q "missing shard 2 of 4" "$tmp/bad.out" || fail "merge did not name the missing shard"
[ $rc2 = 2 ] && grep -q "missing shard 2 of 4" "$tmp/bad2.out" ||
  fail "merge.sbatch with a missing shard: exit $rc2, $(cat "$tmp/bad2.out")"
[ ! -e "$tmp/bad" ] || fail "merge wrote an output folder despite the missing shard"

step "failure path: resubmit only the missing shard, then merge"
resub="$(sbatch --parsable --array=2 "$gen/array.sbatch")"
resub="${resub%%;*}"
merge2="$(sbatch --parsable --dependency=afterok:"$resub" "$gen/merge.sbatch")"
merge2="${merge2%%;*}"
while squeue -h -j "$resub,$merge2" 2>/dev/null | grep -q .; do
  [ $SECONDS -lt $deadline ] || fail "resubmitted jobs still queued at the time limit"
  sleep 2
done
state="$(scontrol show job "$merge2" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -1)"
[ "$state" = COMPLETED ] || fail "merge job $merge2 after resubmitting shard 2 ended $state"
for f in runs.csv series.csv summary.json aggregates.json; do
  cmp "$gen/merged/$f" "$whole/$f" || fail "$f differs after resubmitting shard 2"
done
echo "identical after resubmitting shard 2 alone"

step "OK"
