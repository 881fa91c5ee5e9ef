#!/usr/bin/env python3
"""Checks one output folder's report.html in headless Chromium (called by browser_check.sh).

    browser_check.py CHROMIUM OUTPUT_DIR SCREENSHOT_DIR

1. Screenshots the report (1280x4000) and checks it is not blank (distinct colours, ink coverage).
2. Checks the page is self-contained: no network URLs, no scripts; every <img> is an inline PNG
   whose data decompresses to exactly the size its <img> declares.
3. Checks every chart image actually renders in Chromium: a contact sheet page with each of the
   report's images (alt="" so a broken image draws nothing) is screenshotted, and every cell of the
   grid must hold drawn pixels.
4. Dumps Chromium's DOM and checks it has every figure.
Standard library only. Exit 0 when all pass.
"""

import base64
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SIG = b"\x89PNG\r\n\x1a\n"


def chunks(data):
    pos = 8
    while pos + 8 <= len(data):
        n = struct.unpack(">I", data[pos:pos + 4])[0]
        yield data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n


def png_header(data):
    if data[:8] != SIG:
        raise ValueError("not a PNG")
    w, h, depth, ctype = struct.unpack(">IIBB", data[16:26])
    return w, h, depth, ctype


def png_raw(data):
    """Header and the decompressed (still filtered) image data."""
    w, h, depth, ctype = png_header(data)
    idat = b"".join(body for kind, body in chunks(data) if kind == b"IDAT")
    return w, h, depth, ctype, zlib.decompress(idat)


def decode(data):
    """8-bit RGB/RGBA PNG -> (w, h, bpp, rows)."""
    w, h, depth, ctype, raw = png_raw(data)
    if depth != 8 or ctype not in (2, 6):
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {ctype})")
    bpp = 3 if ctype == 2 else 4
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f = raw[i]
        i += 1
        line = bytearray(raw[i:i + stride])
        i += stride
        if f == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif f == 2:
            for x in range(stride):
                line[x] = (line[x] + prev[x]) & 255
        elif f == 3:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + (a + prev[x]) // 2) & 255
        elif f == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def chromium(binary, args, url, timeout=180):
    profile = tempfile.mkdtemp()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-extensions", "--hide-scrollbars", "--user-data-dir=" + profile]
    try:
        r = subprocess.run([binary] + flags + args + [url], capture_output=True, timeout=timeout)
        return r.stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)


BACKGROUNDS = {b"\xff\xff\xff", b"\xf6\xf6\xf4"}


def main():
    binary, folder, outdir = sys.argv[1:4]
    folder = os.path.abspath(folder)
    name = os.path.basename(folder.rstrip("/"))
    report = os.path.join(folder, "report.html")
    problems = []
    html = open(report, encoding="utf-8").read()

    # 1. The report's screenshot is not blank.
    shot = os.path.join(outdir, name + ".png")
    if os.path.exists(shot):
        os.remove(shot)
    chromium(binary, ["--window-size=1280,4000", "--screenshot=" + os.path.abspath(shot)],
             "file://" + report)
    try:
        w, h, bpp, rows = decode(open(shot, "rb").read())
        colours, ink, samples = set(), 0, 0
        for y in range(0, h, 4):
            r = rows[y]
            for x in range(0, w * bpp, bpp * 4):
                px = r[x:x + 3]
                colours.add(px)
                samples += 1
                ink += px not in BACKGROUNDS
        print(f"  report screenshot {w}x{h}: {len(colours)} colours, "
              f"{100 * ink / max(samples, 1):.1f}% ink")
        if len(colours) < 50 or ink < samples * 0.02:
            problems.append("the report's screenshot looks blank")
    except Exception as e:  # noqa: BLE001
        problems.append(f"no usable screenshot of the report: {e}")

    # 2. Self-contained; every image an intact inline PNG of the declared size.
    if re.search(r'(src|href)\s*=\s*"(https?:)?//', html) or "<script" in html.lower():
        problems.append("the page references the network or has scripts")
    imgs = re.findall(r'<img src="data:image/png;base64,([^"]+)" width="(\d+)" height="(\d+)"', html)
    if len(imgs) != html.count("<img") or len(imgs) != html.count("<figure"):
        problems.append(f"{html.count('<figure')} figures, {html.count('<img')} <img>, "
                        f"{len(imgs)} inline PNGs")
    for k, (b64, dw, dh) in enumerate(imgs):
        try:
            pw, ph, depth, ctype, raw = png_raw(base64.b64decode(b64))
            bpp = {2: 3, 6: 4, 0: 1, 4: 2}[ctype]
            if (pw, ph) != (int(dw), int(dh)):
                problems.append(f"image {k}: {pw}x{ph}, declared {dw}x{dh}")
            if len(raw) != ph * (1 + pw * bpp * depth // 8):
                problems.append(f"image {k}: truncated pixel data")
        except Exception as e:  # noqa: BLE001
            problems.append(f"image {k} does not decode: {e}")

    # 3. Every image renders in Chromium: contact sheet, one cell per image.
    if imgs:
        cols, cw, ch, gap = 5, 220, 138, 24
        nrows = (len(imgs) + cols - 1) // cols
        sheet_w, sheet_h = cols * (cw + gap) + gap, nrows * (ch + gap) + gap
        tmp = tempfile.mkdtemp()
        try:
            page = os.path.join(tmp, "sheet.html")
            with open(page, "w") as f:
                f.write("<!DOCTYPE html><html><body style='margin:0;background:#fff'>")
                for k, (b64, _, _) in enumerate(imgs):
                    x, y = gap + (k % cols) * (cw + gap), gap + (k // cols) * (ch + gap)
                    f.write(f"<img alt='' src='data:image/png;base64,{b64}' style='position:absolute;"
                            f"left:{x}px;top:{y}px;width:{cw}px;height:{ch}px'>")
                f.write("</body></html>")
            sheet = os.path.join(outdir, name + "-charts.png")
            chromium(binary, [f"--window-size={sheet_w},{sheet_h}", "--screenshot=" + os.path.abspath(sheet)],
                     "file://" + page)
            w, h, bpp, rows = decode(open(sheet, "rb").read())
            loaded = 0
            for k in range(len(imgs)):
                x0, y0 = gap + (k % cols) * (cw + gap), gap + (k // cols) * (ch + gap)
                cells, colours = 0, set()
                for y in range(y0 + 4, min(y0 + ch - 4, h), 3):
                    r = rows[y]
                    for x in range(x0 + 4, min(x0 + cw - 4, w), 3):
                        px = r[x * bpp:x * bpp + 3]
                        colours.add(px)
                        cells += px != b"\xff\xff\xff"
                if cells > 20 and len(colours) > 8:
                    loaded += 1
                else:
                    problems.append(f"chart image {k} did not render in Chromium")
            print(f"  {loaded} of {len(imgs)} chart images rendered in Chromium")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    # 4. Chromium parsed the whole page.
    dom = chromium(binary, ["--dump-dom"], "file://" + report).decode("utf-8", "replace")
    if dom.count("<figure") != html.count("<figure"):
        problems.append(f"Chromium's DOM has {dom.count('<figure')} figures, the file "
                        f"{html.count('<figure')}")

    for p in problems:
        print("  FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
