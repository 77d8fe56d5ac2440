#!/usr/bin/env bash
# Runs every C# script in examples/ (.NET 10 file-based apps: `dotnet run examples/NAME.cs -- OUT_DIR`) and fails
# when one exits non-zero, writes no figure, or prints native/exception output on stderr.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
shopt -s nullglob
scripts=(examples/*.cs)
(( ${#scripts[@]} >= 4 )) || { echo "examples.sh: FAIL: expected at least four examples/*.cs, found ${#scripts[@]}" >&2; exit 1; }

for script in "${scripts[@]}"; do
    name=$(basename "$script" .cs)
    dir="$out/$name"
    mkdir -p "$dir"
    echo "== dotnet run $script =="
    start=$SECONDS
    if ! dotnet run "$script" -- "$dir" > "$dir/stdout.txt" 2> "$dir/stderr.txt"; then
        cat "$dir/stdout.txt" "$dir/stderr.txt" >&2
        echo "examples.sh: FAIL: $script exited non-zero" >&2; exit 1
    fi
    cat "$dir/stdout.txt"
    ls "$dir"/*.png > /dev/null 2>&1 || { echo "examples.sh: FAIL: $script wrote no figure into its output folder" >&2; exit 1; }
    grep -q "^figure: " "$dir/stdout.txt" || { echo "examples.sh: FAIL: $script does not print its figure's path" >&2; exit 1; }
    if grep -n "Unsupported\|addPaint\|Exception\|warning" "$dir/stderr.txt" >&2; then
        echo "examples.sh: FAIL: $script printed native, exception or build-warning output on stderr" >&2; exit 1
    fi
    echo "($name: $((SECONDS - start)) s)"
done
echo "examples.sh: OK (${#scripts[@]} scripts)"
