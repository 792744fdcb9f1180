#!/usr/bin/env python3
"""Rebuilds the two fonts tierflow embeds for its charts (run after changing chart labels).

- assets/fonts/DejaVuSans-tierflow.ttf: DejaVu Sans (Bitstream Vera licence, see
  assets/fonts/LICENSE-DejaVu.txt) cut to Latin-1, Greek and the punctuation and maths signs
  chart text uses.
- assets/fonts/NotoSansSC-tierflow.otf: Noto Sans CJK SC (SIL Open Font Licence 1.1, see
  assets/fonts/LICENSE-OFL.txt) cut to ASCII plus every non-ASCII character in
  src/chart/labels.rs, so `--lang zh` renders tierflow's own labels.

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
        "--layout-features=kern", "--no-hinting", "--desubroutinize",
        "--name-IDs=*", "--name-legacy", "--drop-tables+=GSUB,GPOS,BASE,JSTF,DSIG",
        *extra,
    ]
    if text:
        args.append(f"--text={text}")
    subprocess.run(args, check=True)
    print(dest, dest.stat().st_size, "bytes")


labels = (ROOT / "src" / "chart" / "labels.rs").read_text(encoding="utf-8")
cjk = "".join(sorted({c for c in labels if ord(c) > 127}))
subset(DEJAVU, OUT / "DejaVuSans-tierflow.ttf", COMMON + ",U+0391-03C9")
subset(NOTO, OUT / "NotoSansSC-tierflow.otf", COMMON, text=cjk,
       extra=[f"--font-number={noto_sc_index()}"])
