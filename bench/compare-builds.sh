#!/usr/bin/env bash
# Side-by-side speed of two builds against the anchors: an older revision REV (built in a temporary git worktree)
# and the working tree, in ONE run, rounds interleaved so that both builds and the anchors see the same machine load.
#   bench/compare-builds.sh REV        e.g. bench/compare-builds.sh f63c2d5
# Per round: C and numpy ensemble anchors, `ensemble --threads 1` of REV and of this tree; the numpy (and, where
# installed, PyTorch) training anchors, `train --threads 1` of REV and of this tree. Prints ONE JSON object on stdout:
# each program's best throughput, each build's ratios against the anchors, and new/old for the ratios — the figure to
# compare with a "within 5%" rule. Notes go to stderr.
#   ROUNDS (default 5), N (particles, 1000000), K (steps, 200), EPOCHS (3000).
# Older revisions kept the benchmarks in the CLI (`chaosdescent bench ensemble|train`, Commands/Bench*Command.cs);
# newer ones in the benchmark executable bench/ChaosDescent.Bench. The script finds which.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: bench/compare-builds.sh REV" >&2; exit 2; }
rev="$1"
git rev-parse --verify -q "$rev^{commit}" >/dev/null || { echo "compare-builds: '$rev' is not a commit of this repository" >&2; exit 2; }
ROUNDS="${ROUNDS:-5}" N="${N:-1000000}" K="${K:-200}" EPOCHS="${EPOCHS:-3000}"
PY=/usr/bin/python3
$PY -c 'import numpy' 2>/dev/null || { echo "compare-builds: numpy is not available under $PY (apt-get install -y python3-numpy)" >&2; exit 2; }
work="$(mktemp -d)"
old="$work/old"
cleanup() { git worktree remove --force "$old" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
note() { echo "[compare-builds] $*" >&2; }

note "building $rev in a temporary worktree and this tree (Release)"
git worktree add -q --detach "$old" "$rev"
bench_cmd() { # $1 = tree root: prints the command prefix of its benchmark entry point
  if compgen -G "$1/src/ChaosDescent.Cli/Commands/Bench*Command.cs" >/dev/null; then
    dotnet build "$1/src/ChaosDescent.Cli" -c Release --nologo -v q >&2
    echo "dotnet $1/src/ChaosDescent.Cli/bin/Release/net10.0/chaosdescent.dll bench"
  else
    dotnet build "$1/bench/ChaosDescent.Bench" -c Release --nologo -v q >&2
    echo "dotnet $1/bench/ChaosDescent.Bench/bin/Release/net10.0/ChaosDescent.Bench.dll"
  fi
}
old_cmd="$(bench_cmd "$old")"
new_cmd="$(bench_cmd "$PWD")"
gcc -O3 -march=native -ffast-math bench/anchors/ensemble.c -o "$work/ensemble_c" -lm
have_torch=0
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $PY -c 'import torch' >/dev/null 2>&1 && have_torch=1 \
  || note "PyTorch is not available under $PY: torch ratios skipped"

one_line() { $PY -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))'; }
export N K EPOCHS OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
for i in $(seq "$ROUNDS"); do
  "$work/ensemble_c" >> "$work/c.jsonl"
  $PY bench/anchors/ensemble_numpy.py >> "$work/numpy_ens.jsonl"
  $old_cmd ensemble --threads 1 --particles "$N" --steps "$K" --repeats 1 --json | one_line >> "$work/old_ens.jsonl"
  $new_cmd ensemble --threads 1 --particles "$N" --steps "$K" --repeats 1 --json | one_line >> "$work/new_ens.jsonl"
  $PY bench/anchors/mlp_numpy.py >> "$work/numpy_mlp.jsonl"
  if [ "$have_torch" = 1 ]; then
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $PY bench/anchors/mlp_torch.py >> "$work/torch_mlp.jsonl"
  fi
  $old_cmd train --threads 1 --epochs "$EPOCHS" --repeats 1 --json | one_line >> "$work/old_train.jsonl"
  $new_cmd train --threads 1 --epochs "$EPOCHS" --repeats 1 --json | one_line >> "$work/new_train.jsonl"
  note "round $i of $ROUNDS done (load $(cut -d' ' -f1 /proc/loadavg))"
done

REV="$rev" $PY - "$work" <<'PY'
import json, os, sys, datetime
w = sys.argv[1]
def rows(name):
    p = os.path.join(w, name)
    return [json.loads(l) for l in open(p) if l.strip().startswith("{")] if os.path.exists(p) else []
def best(name, key):
    r = rows(name)
    return max(x[key] for x in r) if r else None
ens, tr = "particle_steps_per_second", "epochs_per_second"
b = {k: best(f, key) for k, f, key in [
    ("c", "c.jsonl", ens), ("numpy_ensemble", "numpy_ens.jsonl", ens), ("old_ensemble", "old_ens.jsonl", ens),
    ("new_ensemble", "new_ens.jsonl", ens), ("numpy_train", "numpy_mlp.jsonl", tr), ("torch_train", "torch_mlp.jsonl", tr),
    ("old_train", "old_train.jsonl", tr), ("new_train", "new_train.jsonl", tr)]}
def ratio(a, c): return None if a is None or c is None else a / c
builds = {}
for tag in ("old", "new"):
    builds[tag] = {
        "ensemble_over_numpy": ratio(b[f"{tag}_ensemble"], b["numpy_ensemble"]),
        "ensemble_over_c": ratio(b[f"{tag}_ensemble"], b["c"]),
        "train_over_numpy": ratio(b[f"{tag}_train"], b["numpy_train"]),
        "train_over_torch": ratio(b[f"{tag}_train"], b["torch_train"]),
        "ensemble_mean_x2": rows(f"{tag}_ens.jsonl")[0]["mean_x2"],
        "train_final_loss": rows(f"{tag}_train.jsonl")[0]["final_loss"],
    }
print(json.dumps({
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "old_revision": os.environ["REV"], "rounds": len(rows("new_ens.jsonl")),
    "load_average_1min_at_end": float(open("/proc/loadavg").read().split()[0]),
    "best_throughput": b,
    "builds": builds,
    "new_over_old": {k: ratio(builds["new"][k], builds["old"][k]) for k in
                     ("ensemble_over_numpy", "ensemble_over_c", "train_over_numpy", "train_over_torch")},
}, indent=2))
PY
