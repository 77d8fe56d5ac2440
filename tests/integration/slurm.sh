#!/usr/bin/env bash
# Integration test of the Slurm path of `chaosdescent run FILE --emit slurm` against a real Slurm on this machine:
# installs Debian's slurm-wlm when missing, starts munged, slurmctld and slurmd on localhost with a minimal
# slurm.conf in a temporary folder, submits the emitted script (a job array of shards and a dependent merge job),
# waits, and compares the merged results.json with a single-process run byte for byte.
# Exit 0: passed. Exit 1: a real failure. Exit 0 with "SKIPPED: <reason>" on stdout: Slurm cannot run here
# (no root, no apt, daemons do not start) -- said loudly, never a silent pass. SLURM_TEST_REQUIRED=1 turns a skip
# into a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

skip() {
  echo "SKIPPED: Slurm integration test: $*"
  if [ "${SLURM_TEST_REQUIRED:-0}" = 1 ]; then exit 1; fi
  exit 0
}
fail() { echo "FAILED: Slurm integration test: $*" >&2; exit 1; }

work=$(mktemp -d /tmp/chaosdescent-slurm.XXXXXX)
pids=()
cleanup() {
  for f in "$work"/state/slurmd.pid "$work"/state/slurmctld.pid "$work"/munge/munged.pid; do
    if [ -s "$f" ]; then kill "$(cat "$f")" 2>/dev/null || true; fi
  done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  rm -rf "$work"
}
trap cleanup EXIT

# --- Slurm and munge --------------------------------------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  [ "$(id -u)" = 0 ] || skip "slurm-wlm is not installed and installing it needs root"
  command -v apt-get >/dev/null || skip "slurm-wlm is not installed and there is no apt-get"
  echo "== installing slurm-wlm (apt-get) =="
  (apt-get install -y -q slurm-wlm >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q slurm-wlm >/dev/null 2>&1; }) \
    || skip "apt-get install slurm-wlm failed (no network or no package)"
fi
[ "$(id -u)" = 0 ] || skip "starting slurmctld/slurmd here needs root (SlurmUser=root, slurmd spawns jobs)"

host=$(hostname -s)
cpus=$(nproc)
mkdir -p "$work"/{state,spool,log,munge,run}
chmod 755 "$work"

# munge: a key of 1024 random bytes owned by munge, mode 400, and munged as the munge user.
mkdir -p /etc/munge /var/log/munge /var/lib/munge /run/munge
if [ ! -s /etc/munge/munge.key ]; then dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none; fi
chown -R munge:munge /etc/munge /var/log/munge /var/lib/munge /run/munge "$work/munge" 2>/dev/null || true
chmod 400 /etc/munge/munge.key
if ! pgrep -u munge munged >/dev/null 2>&1; then
  su -s /bin/sh munge -c "munged --pid-file=$work/munge/munged.pid" || skip "munged does not start"
fi
munge -n >/dev/null 2>&1 || skip "munge does not work (munge -n failed)"

conf="$work/slurm.conf"
cat > "$conf" <<CONF
ClusterName=chaosdescent-test
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/state/slurmctld.pid
SlurmdPidFile=$work/state/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
MpiDefault=none
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$conf"
slurmctld -f "$conf" || skip "slurmctld does not start (see $work/log/slurmctld.log)"
slurmd -f "$conf" || skip "slurmd does not start (see $work/log/slurmd.log)"
ok=0
for _ in $(seq 1 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then ok=1; break; fi
  sleep 1
done
if [ $ok = 0 ]; then
  tail -5 "$work/log/slurmctld.log" "$work/log/slurmd.log" 2>/dev/null || true
  skip "the Slurm node did not become idle within 60 s"
fi
echo "== slurm up: $(sinfo -h -o '%P %T %c') =="

# --- the sweep ---------------------------------------------------------------------------------------------------
echo "== building the CLI =="
dotnet build src/ChaosDescent.Cli -c Release -v q -nologo >/dev/null || fail "build failed"
cli="$repo/src/ChaosDescent.Cli/bin/Release/net10.0/chaosdescent"
[ -x "$cli" ] || fail "no CLI at $cli"

cat > "$work/sweep.yaml" <<'YAML'
name: slurm-test
seed: 11
objective: {name: quadratic-sin}
eta: {from: 1.0e-3, to: 1.0e-1, count: 5, scale: log}
eps: [1.0e-4, 1.0e-3]
analyses:
  - lyapunov: {steps: 4000, orbits: 8}
YAML
chmod -R a+rX "$work"

"$cli" run "$work/sweep.yaml" --out "$work/single" --threads 2 >/dev/null || fail "single-process run failed"
"$cli" run "$work/sweep.yaml" --emit slurm --shards 3 --out "$work/cluster" > "$work/job.sh" || fail "--emit slurm failed"
grep -q '^#SBATCH --array=0-2$' "$work/job.sh" || fail "the emitted script has no '#SBATCH --array=0-2'"
echo "== submitting the emitted script =="
bash "$work/job.sh" | tee "$work/submit.txt" || fail "submitting the emitted script failed"

deadline=$((SECONDS + 300))
while [ ! -s "$work/cluster/results.json" ] || squeue -h 2>/dev/null | grep -q .; do
  if [ $SECONDS -gt $deadline ]; then
    squeue || true
    tail -20 "$work"/cluster/logs/* 2>/dev/null || true
    fail "the jobs did not finish within 300 s"
  fi
  if squeue -h -o '%T %r' 2>/dev/null | grep -q 'DependencyNeverSatisfied'; then
    tail -20 "$work"/cluster/logs/* 2>/dev/null || true
    fail "a shard failed (merge dependency never satisfied)"
  fi
  sleep 2
done
ls "$work/cluster/shards" | grep -qx 2 || fail "shard 2 did not run"
cmp "$work/single/results.json" "$work/cluster/results.json" || fail "merged results.json differs from the single-process run"
echo "PASSED: Slurm job array (3 shards) + dependent merge gave a results.json byte-identical to the single-process run ($(grep -c '"index"' "$work/cluster/results.json") units)"
