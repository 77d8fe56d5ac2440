#!/usr/bin/env bash
# Runs the Sec. 3.3 training anchors (bench/anchors/mlp_numpy.py and, where PyTorch is installed, mlp_torch.py:
# full-batch GD, 5-16-1 leaky-ReLU MLP, Airfoil, one thread) and the benchmark executable's `train --threads 1`
# (bench/ChaosDescent.Bench) interleaved in one go on this machine, and prints ONE JSON object on stdout with every
# epochs-per-second figure (fastest of REPEATS each) and the ratios ours/numpy and ours/torch. Notes go to stderr.
#   EPOCHS (default 3000, the anchor's default), REPEATS (default 5).
# Ratios measured in the same run are the meaningful numbers: absolute throughput on a shared machine is noise.
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS="${EPOCHS:-3000}"
REPEATS="${REPEATS:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
note() { echo "[run-train-anchor] $*" >&2; }

if ! { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import numpy' >/dev/null 2>&1; }; then
  note "numpy is NOT available under /usr/bin/python3 (install: apt-get install -y python3-numpy)"
  exit 2
fi
note "building the benchmark executable (Release)"
dotnet build bench/ChaosDescent.Bench -c Release --nologo -v q >&2
: > "$work/numpy.jsonl"; : > "$work/ours.jsonl"; : > "$work/torch.jsonl"
have_torch=0
if env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then have_torch=1
else note "PyTorch is not available under /usr/bin/python3 (apt-get install -y python3-torch): torch ratio skipped"; fi
for i in $(seq "$REPEATS"); do
  EPOCHS="$EPOCHS" OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/anchors/mlp_numpy.py >> "$work/numpy.jsonl"
  if [ "$have_torch" = 1 ]; then
    EPOCHS="$EPOCHS" OMP_NUM_THREADS=1 env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/anchors/mlp_torch.py >> "$work/torch.jsonl"
  fi
  dotnet bench/ChaosDescent.Bench/bin/Release/net10.0/ChaosDescent.Bench.dll train --threads 1 --epochs "$EPOCHS" --repeats 1 --json \
    | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))' >> "$work/ours.jsonl"
  note "round $i: numpy $(tail -1 "$work/numpy.jsonl" | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["epochs_per_second"]))'), ours $(tail -1 "$work/ours.jsonl" | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["epochs_per_second"]))')"
done
python3 - "$work/numpy.jsonl" "$work/ours.jsonl" "$work/torch.jsonl" <<'PY'
import json, os, platform, datetime, sys
npy = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ours = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
tor = [json.loads(l) for l in open(sys.argv[3]) if l.strip()]
median = lambda rs: sorted(r["epochs_per_second"] for r in rs)[len(rs) // 2]
bn, bo = max(r["epochs_per_second"] for r in npy), max(r["epochs_per_second"] for r in ours)
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(json.dumps({
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": {"cpu": cpu, "cores": os.cpu_count()},
    "epochs": npy[0]["epochs"],
    "numpy": {"epochs_per_second": bn, "repeats_per_second": [r["epochs_per_second"] for r in npy], "final_loss": npy[0]["final_loss"]},
    "ours": {"epochs_per_second": bo, "repeats_per_second": [r["epochs_per_second"] for r in ours], "final_loss": ours[0]["final_loss"],
             "simd": ours[0]["simd"], "allocated_bytes_per_epoch": ours[0]["allocated_bytes_per_epoch"]},
    "ratio_ours_over_numpy": bo / bn,
    "ratio_of_medians": median(ours) / median(npy),
    "torch": {"epochs_per_second": max(r["epochs_per_second"] for r in tor), "repeats_per_second": [r["epochs_per_second"] for r in tor],
              "version": tor[0]["torch"], "final_loss": tor[0]["final_loss"]} if tor else None,
    "ratio_ours_over_torch": bo / max(r["epochs_per_second"] for r in tor) if tor else None,
    "ratio_of_medians_torch": median(ours) / median(tor) if tor else None,
}, indent=2))
PY
