#!/usr/bin/env python3
"""Rebuilds the two fonts tierflow embeds for its charts (run after changing chart labels).

- assets/fonts/DejaVuSans-tierflow.ttf: DejaVu Sans (Bitstream Vera licence, see
  assets/fonts/LICENSE-DejaVu.txt) cut to Latin-1, Greek and the punctuation and maths signs
  chart text uses.
- assets/fonts/NotoSansSC-tierflow.otf: Noto Sans CJK SC (SIL Open Font Licence 1.1, see
  assets/fonts/LICENSE-OFL.txt) cut to ASCII plus every non-ASCII character in
  every character of GB 2312 (the 6,763 common hanzi and its 682 symbols, which cover
  Chinese scenario names, place names and report text) plus any other non-ASCII character in
  src/chart/labels.rs and src/report/words.rs.

Needs: pip install fonttools; apt-get install fonts-dejavu-core fonts-noto-cjk.
"""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "fonts"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
# Punctuation and signs chart text may use: dashes, quotes, bullet, ellipsis, per mille, arrows,
# minus, multiply, plus-minus, at most/at least, yuan.
COMMON = "U+0020-007E,U+00A0-00FF,U+2013-2014,U+2018-201D,U+2022,U+2026,U+2030,U+2190-2193,U+2212,U+2264-2265"


def noto_sc_index():
    from fontTools.ttLib import TTCollection

    for i, font in enumerate(TTCollection(NOTO).fonts):
        if "SC" in font["name"].getDebugName(1):
            return i
    sys.exit("no SC face in " + NOTO)


def subset(src, dest, unicodes, text="", extra=()):
    args = [
        sys.executable, "-m", "fontTools.subset", src,
        f"--unicodes={unicodes}", f"--output-file={dest}",
        "--layout-features=kern", "--no-hinting",
        "--name-IDs=*", "--name-legacy", "--drop-tables+=GSUB,GPOS,BASE,JSTF,DSIG",
        *extra,
    ]
    if text:
        args.append(f"--text={text}")
    subprocess.run(args, check=True)
    print(dest, dest.stat().st_size, "bytes")


def gb2312():
    """Every character GB 2312 encodes (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


own = ""
for source in ("src/chart/labels.rs", "src/report/words.rs"):
    path = ROOT / source
    if path.exists():
        own += path.read_text(encoding="utf-8")
cjk = "".join(sorted(gb2312() | {c for c in own if ord(c) > 127}))
subset(DEJAVU, OUT / "DejaVuSans-tierflow.ttf", COMMON + ",U+0391-03C9")
subset(NOTO, OUT / "NotoSansSC-tierflow.otf", COMMON, text=cjk,
       extra=[f"--font-number={noto_sc_index()}"])
