#!/usr/bin/env bash
# Renders report.html of output folders in headless Chromium and checks what a reader would see:
# the screenshot is not blank, and every chart image in the page loaded (decodes as a PNG of the
# size its <img> declares; the page makes no network requests and needs no JavaScript).
#
#   scripts/browser_check.sh [OUTPUT_DIR...]
#
# Without arguments it copies the synthetic folders of tests/fixtures/outputs/ to a temporary
# folder, runs `crossroads plot` on each and checks those. Screenshots are kept in
# $BROWSER_CHECK_OUT (default: target/browser_check/). Installs Debian's chromium when missing
# (needs root). Exit 0 when every page passes, 1 otherwise.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT="${BROWSER_CHECK_OUT:-target/browser_check}"
mkdir -p "$OUT"

chromium_bin() {
  for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then echo "$b"; return 0; fi
  done
  return 1
}

if ! CHROMIUM="$(chromium_bin)"; then
  echo "browser_check: installing chromium (Debian package)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium >/dev/null
  CHROMIUM="$(chromium_bin)"
fi

dirs=("$@")
if [ ${#dirs[@]} -eq 0 ]; then
  cargo build --release --quiet
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  for f in tests/fixtures/outputs/*/; do
    name="$(basename "$f")"
    cp -r "$f" "$tmp/$name"
    ./target/release/crossroads plot "$tmp/$name" >/dev/null
    dirs+=("$tmp/$name")
  done
fi

status=0
for d in "${dirs[@]}"; do
  if python3 scripts/browser_check.py "$CHROMIUM" "$d" "$OUT"; then
    echo "ok   $(basename "$d")"
  else
    echo "FAIL $(basename "$d")"
    status=1
  fi
done
exit $status
