#!/usr/bin/env python3
"""Rewrite heilongjiang-baseline.toml's derived carve-outs from national-base's current values.

heilongjiang-baseline.toml carves two listed conditions out of the base's incidence and
admissions (its header explains the shares), so its numbers follow the base's calibration. Run
this after refitting national-base (`tierflow calibrate scenarios/national-base.toml`, then
copying calibrated.toml's values into the base); `cargo test --release carve_outs` checks that
the two files agree. Needs a built binary: cargo build --release.

  scripts/derive_heilongjiang.py
"""
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "tierflow"
BASE = ROOT / "scenarios" / "national-base.toml"


def params_of(path):
    out = subprocess.run([BIN, "params", path], check=True, capture_output=True, text=True).stdout
    return {line.split()[0]: line.split()[1] for line in out.splitlines() if line.strip()}


def write_values(path, sets):
    """Rewrites the numbers at `sets` ("a.b.key=value" or "a.b.key.sub=value") in the TOML file,
    keeping every comment: the value of `key` in section [a.b], or of `sub` in its inline table."""
    import re
    lines = Path(path).read_text().split("\n")
    for item in sets:
        dotted, value = item.split("=", 1)
        value = f"{float(value):.4g}"
        parts = dotted.split(".")
        for cut in (len(parts) - 1, len(parts) - 2):
            section, rest = "[" + ".".join(parts[:cut]) + "]", parts[cut:]
            try:
                start = lines.index(section)
            except ValueError:
                continue
            end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
            for i in range(start + 1, end):
                if re.match(rf"{re.escape(rest[0])}\s*=", lines[i]):
                    if len(rest) == 1:
                        new = re.sub(r"=\s*-?[0-9._e+-]+", f"= {value}", lines[i], count=1)
                    else:
                        new = re.sub(rf"(\b{re.escape(rest[1])}\s*=\s*)-?[0-9._e+-]+", rf"\g<1>{value}", lines[i], count=1)
                    if new == lines[i] and value not in lines[i]:
                        raise SystemExit(f"cannot write {dotted} in {path}: line {i + 1}")
                    lines[i] = new
                    break
            else:
                continue
            break
        else:
            raise SystemExit(f"cannot find {dotted} in {path}")
    Path(path).write_text("\n".join(lines))


def write_heilongjiang(base):
    """heilongjiang-baseline.toml carves two listed conditions out of the base's incidence and
    admissions (its header explains the shares); its numbers follow the base's calibration."""
    path = ROOT / "scenarios" / "heilongjiang-baseline.toml"
    p = lambda k: float(base[k])
    sets = []
    for g in ("", "_by_group.urban_key", "_by_group.rural_key"):
        sets += [f"conditions.acute_minor.incidence_per_year{g}={0.99 * p(f'conditions.acute_minor.incidence_per_year{g}')}",
                 f"conditions.listed_township.incidence_per_year{g}={0.01 * p(f'conditions.acute_minor.incidence_per_year{g}')}",
                 f"conditions.serious.incidence_per_year{g}={0.6 * p(f'conditions.serious.incidence_per_year{g}')}",
                 f"conditions.listed_county.incidence_per_year{g}={0.4 * p(f'conditions.serious.incidence_per_year{g}')}"]
    for t in ("township", "county", "tertiary", "out_of_region"):
        a = p(f"conditions.acute_minor.admission_probability.{t}")
        sets += [f"conditions.acute_minor.admission_probability.{t}={a * 0.5 / 0.99}",
                 f"conditions.listed_township.admission_probability.{t}={min(50 * a, 1.0)}"]
        if t != "township":
            sets.append(f"conditions.listed_county.admission_probability.{t}="
                        f"{p(f'conditions.serious.admission_probability.{t}')}")
    write_values(path, sets)


if __name__ == "__main__":
    write_heilongjiang(params_of(BASE))
