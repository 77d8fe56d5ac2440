#!/usr/bin/env bash
# Opens the reproduction report in a real browser (headless Chromium) and fails when the page is blank, a figure
# does not decode, the page asks for anything over the network, it overflows a phone's width, or the browser's
# console shows an error. Screenshots at desktop (1280 px) and phone (390 px) width are kept for a person to look at.
#
# Usage: tests/integration/browser.sh [REPORT_DIR] [SCREENSHOT_DIR]
#   REPORT_DIR: a folder with report.html (default: run `chaosdescent reproduce --quick` into a temporary folder)
#   SCREENSHOT_DIR: where desktop.png and phone.png go (default: out/browser)
# Needs Debian's `chromium`; installs it with apt-get when it is missing and this user may, and fails clearly if not.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fail() { echo "browser.sh: FAIL: $*" >&2; exit 1; }

chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$chromium" ]]; then
    echo "browser.sh: chromium is not installed; installing Debian's chromium with apt-get" >&2
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get > /dev/null; then
        fail "chromium is missing and cannot be installed here (needs root and apt-get); install it with: sudo apt-get install -y chromium"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium > /dev/null 2>&1 \
        || { apt-get update > /dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium > /dev/null 2>&1; } \
        || fail "apt-get install chromium failed (no package source reachable?); install chromium and rerun"
    chromium=$(command -v chromium) || fail "apt-get ran but no chromium is on the PATH"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
report_dir=${1:-}
shots=${2:-out/browser}
if [[ -z "$report_dir" ]]; then
    report_dir="$work/report"
    echo "== chaosdescent reproduce --quick --out $report_dir =="
    dotnet run -c Release --project src/ChaosDescent.Cli -- reproduce --quick --out "$report_dir" > /dev/null
fi
report="$report_dir/report.html"
test -s "$report" || fail "no report at $report"
mkdir -p "$shots"

# Self-contained: no <img>, <script>, <link> or CSS url() that loads from elsewhere (plain links to files are fine).
if grep -nEo '<(img|script|iframe)[^>]* src="[^d"][^"]*"|<link[^>]*href="[^"]*"|url\((https?:)?//[^)]*\)' "$report" | head -n 5 >&2; then
    fail "report.html loads something that is not embedded (above)"
fi

flags=(--headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
       --disable-background-networking --enable-logging=stderr --v=0 --virtual-time-budget=15000)

# A probe, injected into a copy of the report (the report itself has no script): after load it writes one line of
# results into the DOM, which --dump-dom then prints. Kept next to the report so relative links resolve the same.
probe='<script>
window.addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  var broken = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); }).map(function (i) { return (i.alt || i.src).slice(0, 80); });
  var main = document.querySelector("main");
  var nav = document.querySelector("nav.toc");
  var navBox = nav ? nav.getBoundingClientRect() : null;
  var out = {
    images: imgs.length, broken: broken,
    text: document.body.innerText.length,
    height: document.documentElement.scrollHeight,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    main: !!main, nav: !!nav, navVisible: !!navBox && navBox.width > 0 && navBox.height > 0,
    navSticky: !!nav && getComputedStyle(nav).position === "sticky",
    resources: performance.getEntriesByType("resource").map(function (r) { return r.name; }).filter(function (n) { return !/^data:/.test(n); })
  };
  out.width = window.innerWidth;
  var line = "PROBE " + JSON.stringify(out);
  var p = document.createElement("pre"); p.id = "browser-probe"; p.textContent = line;
  document.body.appendChild(p);
  if (window.parent !== window) window.parent.postMessage(line, "*");
});
</script>'
probe_page="$report_dir/.browser-probe-$$.html"
trap 'rm -rf "$work" "$probe_page"' EXIT
/usr/bin/python3 - "$report" "$probe_page" "$probe" <<'PY'
import sys
html = open(sys.argv[1], encoding="utf-8").read()
if "</body>" not in html: sys.exit("report.html has no </body>")
open(sys.argv[2], "w", encoding="utf-8").write(html.replace("</body>", sys.argv[3] + "\n</body>", 1))
PY

# Headless Chromium will not make a window narrower than 500 px, so the phone width is an iframe of that width in a
# host page (media queries inside an iframe follow the iframe's width); the probe posts its line to the host.
host() {  # page width -> host page that frames page at width
    local page=$1 width=$2 out=$3
    printf '%s\n' "<!DOCTYPE html><html><head><meta charset=utf-8><style>body{margin:0}iframe{border:0;display:block}</style></head><body>" \
        "<iframe src=\"$(basename "$page")\" width=\"$width\" height=\"2400\"></iframe>" \
        "<script>window.addEventListener('message',function(e){var p=document.createElement('pre');p.textContent=e.data;document.body.appendChild(p);});</script></body></html>" > "$out"
}
host_shot="$report_dir/.browser-host-shot-$$.html" host_probe="$report_dir/.browser-host-probe-$$.html"
trap 'rm -rf "$work" "$probe_page" "$host_shot" "$host_probe"' EXIT

check_width() {  # name width
    local name=$1 width=$2 shot_url probe_url window=$2
    shot_url="file://$(realpath "$report")" probe_url="file://$(realpath "$probe_page")"
    if (( width < 500 )); then
        host "$report" "$width" "$host_shot"; host "$probe_page" "$width" "$host_probe"
        shot_url="file://$(realpath "$host_shot")" probe_url="file://$(realpath "$host_probe")" window=500
    fi
    echo "== $name: ${width} px =="
    "$chromium" "${flags[@]}" --window-size="$window,2400" --screenshot="$work/$name-full.png" "$shot_url" \
        > /dev/null 2> "$work/$name-shot.log" || { tail -n 5 "$work/$name-shot.log" >&2; fail "chromium could not take the $name screenshot"; }
    "$chromium" "${flags[@]}" --window-size="$window,2400" --dump-dom "$probe_url" \
        > "$work/$name-dom.html" 2> "$work/$name-dom.log" || { tail -n 5 "$work/$name-dom.log" >&2; fail "chromium could not load the report ($name)"; }
    # Keep the left $width columns (the iframe); the rest of a 500 px window is empty.
    /usr/bin/python3 - "$work/$name-full.png" "$shots/$name.png" "$width" <<'PY'
import struct, sys, zlib
src, dst, width = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, "rb").read()
pos, chunks = 8, []
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8]); chunks.append((kind, data[pos + 8:pos + 8 + n])); pos += 12 + n
ihdr = chunks[0][1]; w, h, depth, ctype = struct.unpack(">IIBB", ihdr[:10])
if w <= width or depth != 8 or ctype not in (2, 6):
    open(dst, "wb").write(data); sys.exit(0)
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(b"".join(c for k, c in chunks if k == b"IDAT"))
stride, rows, prev = w * bpp, [], bytearray(w * bpp)
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + ((a + b) >> 1)) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(b"\0" + bytes(line[:width * bpp])); prev = line
def chunk(k, d): return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, h, 8, ctype, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")
open(dst, "wb").write(png)
PY
    test -s "$shots/$name.png" || fail "no $name screenshot"
    # A blank page compresses to a few kilobytes; the rendered report is far larger.
    (( $(stat -c %s "$shots/$name.png") > 30000 )) || fail "the $name screenshot is (nearly) blank"
    # Console: chromium logs every page console message as "INFO:CONSOLE:line" without its level (console.error
    # and uncaught exceptions look alike), and the report runs no script of its own: any console line is an error.
    if grep -hE ':CONSOLE[:(]|Uncaught|Failed to load resource|Not allowed to load' "$work/$name-shot.log" "$work/$name-dom.log" >&2; then
        fail "the browser console shows errors ($name)"
    fi
    local line
    line=$(grep -o 'PROBE {.*}' "$work/$name-dom.html" | head -n 1 | sed 's/^PROBE //; s/&quot;/"/g; s/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g') \
        || fail "the probe did not run ($name): the page did not finish loading"
    /usr/bin/python3 - "$name" "$line" "$width" <<'PY' || exit 1
import json, sys
name, r = sys.argv[1], json.loads(sys.argv[2])
errors = []
if r["text"] < 2000 or r["height"] < 2000: errors.append(f"the page is (nearly) blank: {r['text']} characters, {r['height']} px high")
if r["images"] == 0: errors.append("no figure is embedded")
if r["broken"]: errors.append(f"{len(r['broken'])} of {r['images']} figures do not decode: {r['broken'][:3]}")
if r["resources"]: errors.append(f"the page fetched resources: {r['resources'][:3]}")
if not r["main"] or not r["nav"]: errors.append("no <main> or no <nav class=toc>")
if not r["navVisible"] or not r["navSticky"]: errors.append("the table of contents is not visible and sticky")
if r["overflow"] > 1: errors.append(f"the page is {r['overflow']} px wider than the window")
if abs(r["width"] - int(sys.argv[3])) > 1: errors.append(f"the page was laid out {r['width']} px wide, not {sys.argv[3]}")
print(f"{name}: laid out {r['width']} px wide, {r['images']} figures decoded, {r['text']} characters, {r['height']} px high, table of contents sticky, no overflow")
if errors:
    for e in errors: print(f"browser.sh: FAIL ({name}): {e}", file=sys.stderr)
    sys.exit(1)
PY
}

check_width desktop 1280
check_width phone 390
echo "browser.sh: OK (screenshots: $shots/desktop.png, $shots/phone.png)"
