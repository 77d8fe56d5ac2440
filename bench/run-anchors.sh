#!/usr/bin/env bash
# Runs the Sec. 3.1 ensemble anchors (bench/anchors: C with vector cos, numpy) and the benchmark executable's `ensemble`
# (bench/ChaosDescent.Bench) on one thread, in one go on this machine, and prints ONE JSON object on stdout with each throughput and the ratios
# ours/numpy and ours/C. Progress and notes go to stderr.
#   N (particles, default 1000000), K (steps, default 200), REPEATS (runs of each, best kept; default 3),
#   NUMPY_PYTHON (interpreter for the numpy anchor, default /usr/bin/python3).
# Ratios measured in the same run are the meaningful numbers: absolute throughput on a shared machine is noise.
set -euo pipefail
cd "$(dirname "$0")/.."
export N="${N:-1000000}" K="${K:-200}"
REPEATS="${REPEATS:-3}"
# The interpreter for the numpy anchor: Debian's /usr/bin/python3 (the python3 first on PATH may lack numpy).
NUMPY_PYTHON="${NUMPY_PYTHON:-/usr/bin/python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
note() { echo "[run-anchors] $*" >&2; }

# Pick the best (largest) particle_steps_per_second of several one-line JSON objects, with the object it came from.
best_of() { # $1 = file with one JSON object per line
  python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
best = max(rows, key=lambda r: r["particle_steps_per_second"])
best["repeats_per_second"] = [r["particle_steps_per_second"] for r in rows]
print(json.dumps(best))' "$1"
}

# --- C anchor: gcc -O3 -march=native -ffast-math (vectorized cos through glibc's libmvec)
c_json=null
if command -v gcc >/dev/null 2>&1; then
  note "compiling bench/anchors/ensemble.c (gcc -O3 -march=native -ffast-math)"
  gcc -O3 -march=native -ffast-math bench/anchors/ensemble.c -o "$work/ensemble" -lm
  : > "$work/c.jsonl"
  for _ in $(seq "$REPEATS"); do "$work/ensemble" >> "$work/c.jsonl"; done
  c_json="$(best_of "$work/c.jsonl")"
  note "C: $c_json"
else
  note "gcc not found: C anchor skipped"
fi

# --- numpy anchor
numpy_json=null
if [ -x "$NUMPY_PYTHON" ] && "$NUMPY_PYTHON" -c 'import numpy' >/dev/null 2>&1; then
  : > "$work/numpy.jsonl"
  for _ in $(seq "$REPEATS"); do OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$NUMPY_PYTHON" bench/anchors/ensemble_numpy.py >> "$work/numpy.jsonl"; done
  numpy_json="$(best_of "$work/numpy.jsonl")"
  note "numpy: $numpy_json"
else
  note "numpy is NOT available under $NUMPY_PYTHON (install: apt-get install -y python3-numpy): numpy anchor SKIPPED"
fi

# --- ours: Release build, the library's ensemble runner on one thread
note "building the benchmark executable (Release)"
dotnet build bench/ChaosDescent.Bench -c Release --nologo -v q >&2
ours_json="$(dotnet bench/ChaosDescent.Bench/bin/Release/net10.0/ChaosDescent.Bench.dll ensemble --threads 1 \
  --particles "$N" --steps "$K" --repeats "$REPEATS" --json)"
note "ours: $(echo "$ours_json" | tr -d '\n ' )"

OURS="$ours_json" C="$c_json" NUMPY="$numpy_json" python3 -c '
import json, os, platform, datetime
ours, c, npy = (json.loads(os.environ[k]) for k in ("OURS", "C", "NUMPY"))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
def rate(r): return None if r is None else r["particle_steps_per_second"]
o = rate(ours)
print(json.dumps({
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
                "load_average_1min": float(open("/proc/loadavg").read().split()[0])},
    "particles": int(os.environ["N"]), "steps": int(os.environ["K"]),
    "ours": {"particle_steps_per_second": o, "particle_steps_per_cpu_second": ours["particle_steps_per_cpu_second"],
             "mean_x2": ours["mean_x2"], "simd": ours["simd"], "threads": ours["threads"],
             "repeats_per_second": ours["repeats_per_second"]},
    "numpy": None if npy is None else {"particle_steps_per_second": rate(npy), "mean_x2": npy["mean_x2"], "repeats_per_second": npy["repeats_per_second"]},
    "c": None if c is None else {"particle_steps_per_second": rate(c), "mean_x2": c["mean_x2"], "repeats_per_second": c["repeats_per_second"]},
    "ratio_ours_over_numpy": None if npy is None else o / rate(npy),
    "ratio_ours_over_c": None if c is None else o / rate(c),
    "numpy_skipped": npy is None,
}, indent=2))'
