#!/usr/bin/env bash
# Packs the two NuGet packages, installs the `chaosdescent` tool from them into a temporary tool path (as a user
# would with `dotnet tool install`), and runs it from there: `objectives` and `reproduce --quick`. Fails when a
# package is missing or incomplete, the install fails, a command exits non-zero, or its output is not what it
# should be (catalog names, report files, a clean stderr).
#
# Usage: tests/integration/install.sh [--no-build]   (--no-build: pack what `dotnet build -c Release` already built)
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

no_build=()
[[ "${1:-}" == "--no-build" ]] && no_build=(--no-build)

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)
[[ -n "$version" ]] || { echo "install.sh: no <Version> in Directory.Build.props" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pkg="$work/packages" tools="$work/tools" out="$work/report"

fail() { echo "install.sh: FAIL: $*" >&2; exit 1; }

echo "== pack $version into $pkg =="
dotnet pack ChaosDescent.sln -c Release -o "$pkg" "${no_build[@]}" -v quiet -nologo
for id in ChaosDescent ChaosDescent.Cli; do
    test -s "$pkg/$id.$version.nupkg" || fail "package $id.$version.nupkg was not produced"
done

# The library package: the ChaosDescent.Core assembly with its XML docs, readme, licence and the data attribution.
lib=$(unzip -l "$pkg/ChaosDescent.$version.nupkg")
for f in lib/net10.0/ChaosDescent.Core.dll lib/net10.0/ChaosDescent.Core.xml README.md LICENSE THIRD-PARTY-NOTICES.md; do
    grep -q " $f\$" <<<"$lib" || fail "ChaosDescent.$version.nupkg lacks $f"
done
spec=$(unzip -p "$pkg/ChaosDescent.$version.nupkg" ChaosDescent.nuspec)
for tag in '<license type="expression">MIT</license>' '<readme>README.md</readme>' '<authors>' '<tags>' '<description>'; do
    grep -qF "$tag" <<<"$spec" || fail "ChaosDescent.nuspec lacks $tag"
done
# The tool package: SkiaSharp's native library for this platform must be inside (ScottPlot cannot draw without it).
tool=$(unzip -l "$pkg/ChaosDescent.Cli.$version.nupkg")
grep -q "tools/net10.0/any/runtimes/linux-x64/native/libSkiaSharp.so" <<<"$tool" || fail "the tool package lacks libSkiaSharp.so"

echo "== dotnet tool install --tool-path $tools ChaosDescent.Cli $version =="
# A private package cache: a stale extraction of the same version from an earlier run must not stand in for this build.
NUGET_PACKAGES="$work/nuget-cache" dotnet tool install --tool-path "$tools" --add-source "$pkg" ChaosDescent.Cli --version "$version"
exe="$tools/chaosdescent"
test -x "$exe" || fail "$exe was not installed"

# Run from an empty folder, far from the repository: nothing may be read from the source tree.
cd "$work"

echo "== chaosdescent --version =="
"$exe" --version | tee "$work/version.txt"
grep -q "^$version" "$work/version.txt" || fail "--version does not print $version"

echo "== chaosdescent objectives =="
"$exe" objectives > "$work/objectives.txt" 2> "$work/objectives.err" || fail "objectives exited $?"
for name in quartic-sin matyas-sincos doublewell-sin; do
    grep -q "$name" "$work/objectives.txt" || fail "objectives does not list $name"
done
"$exe" objectives --json > "$work/objectives.json" || fail "objectives --json exited $?"
/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/objectives.json" || fail "objectives --json is not one JSON object"

echo "== chaosdescent reproduce --quick --out $out =="
set +e
"$exe" reproduce --quick --out "$out" 2> "$work/reproduce.err"
rc=$?
set -e
[[ $rc -eq 0 ]] || { tail -n 20 "$work/reproduce.err" >&2; fail "reproduce --quick exited $rc"; }
test -s "$out/report.html" || fail "no report.html"
test -s "$out/results.json" || fail "no results.json"
ls "$out"/figures/*.png > /dev/null 2>&1 || fail "no figures/*.png (plotting does not work from the installed tool)"
ls "$out"/figures/*.svg > /dev/null 2>&1 || fail "no figures/*.svg"
grep -q "Airfoil\|airfoil" "$out/results.json" || fail "the Airfoil experiment (embedded data) is missing from results.json"
# Native plotting libraries must print nothing (SkiaSharp's SVG canvas used to complain about dashed lines).
if grep -n "Unsupported\|addPaint\|Exception" "$work/reproduce.err" >&2; then fail "reproduce wrote native or exception messages on stderr"; fi

echo "install.sh: OK (ChaosDescent $version installed as a tool; objectives and reproduce --quick ran from it)"
