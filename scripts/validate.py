#!/usr/bin/env python3
"""Measure the calibrated national baseline's responses beside the published ones.

Prints the tables of docs/validation.md. The same measurements are asserted by
tests/it/responses.rs (cargo test responses). Needs a built binary: cargo build --release.

  scripts/validate.py [-r 16]
"""
import argparse
import atexit
import csv
import math
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "tierflow"
BASE = ROOT / "scenarios" / "national-base.toml"
POLICY = ROOT / "scenarios" / "national-2015.toml"


def run(scenario, sets, reps):
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "r"
        cmd = [BIN, "run", str(scenario), "-r", str(reps), "-q", "--out", str(out)]
        for s in sets:
            cmd += ["--set", s]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        rows = list(csv.DictReader(open(out / "metrics.csv")))
    return {(int(r["year"]), r["metric"], r["tier"], r["group"], r["condition"], r["signing"]): float(r["mean"])
            for r in rows}


def changed_in_year(changes, year=2013):
    """A scenario extending national-base whose `changes` take effect on 1 January of `year`: a
    response is measured in the year prices change, before hospitals adjust their admission
    thresholds to their beds (docs/scenario.md, supply-induced admissions)."""
    d = Path(tempfile.mkdtemp())
    atexit.register(shutil.rmtree, d, ignore_errors=True)
    body = ", ".join(f'"{k}" = {v}' for k, v in changes.items())
    (d / "changed.toml").write_text(
        f'extends = "{BASE}"\nname = "changed"\n\n[[timeline]]\ndate = "{year}-01-01"\n'
        f'set = {{ {body} }}\nsource = "calibration"\n')
    return d / "changed.toml"


def params(path):
    out = subprocess.run([BIN, "params", path], check=True, capture_output=True, text=True).stdout
    return {line.split()[0]: line.split()[1] for line in out.splitlines() if line.strip()}


def get(m, year, metric, tier="all", signing="all"):
    return m.get((year, metric, tier, "all", "all", signing), float("nan"))




def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-r", "--replications", type=int, default=16)
    r = ap.parse_args().replications
    y = 2013
    base = run(BASE, [], r)
    first = lambda m: get(m, y, "episodes") - get(m, y, "self_care")
    e = lambda a, b: (b / a - 1) / 0.1
    out_up = run(changed_in_year({"prices.outpatient_index": 1.1}, y), [], r)
    in_up = run(changed_in_year({"prices.inpatient_index": 1.1}, y), [], r)
    p = params(BASE)
    village = {k: float(v) * 1.1 for k, v in p.items()
               if k.endswith(".outpatient_cost_yuan.village") and float(v) > 0}
    vil_up = run(changed_in_year(village, y), [], r)
    print(f"## Price responses (national-base {y}, {r} paired replications)\n")
    print("| response | published | simulated |\n|---|---|---|")
    print(f"| first contacts, every tier's outpatient prices +10% | −0.52 (95% CI −0.70 to −0.34), Zhou et al. 2011 ✓ | {e(first(base), first(out_up)):.2f} |")
    print(f"| admissions, every tier's inpatient prices +10% | −0.37 (−0.52 to −0.23), Zhou et al. 2011 ✓ | {e(get(base, y, 'admissions'), get(in_up, y, 'admissions')):.2f} |")
    print(f"| village-clinic visits, village prices +10% | −1.5, Zhou et al. 2009 ✓ | {e(get(base, y, 'visits', 'village'), get(vil_up, y, 'visits', 'village')):.2f} |")
    print(f"| village-clinic visits, every tier's outpatient prices +10% | no source | {e(get(base, y, 'visits', 'village'), get(out_up, y, 'visits', 'village')):.2f} |")
    print(f"| total visits, every tier's outpatient prices +10% | no source | {e(get(base, y, 'visits'), get(out_up, y, 'visits')):.2f} |")
    print(f"| self-treated share of episodes | 20% (assumption) | {get(base, y, 'self_care') / get(base, y, 'episodes'):.3f} |")
    dec = get(base, y, "admissions_declined")
    print(f"| admissions declined ÷ offered | about 17% (NHSS 2013 ⚠ recalled) | {dec / (dec + get(base, y, 'admissions')):.3f} |")

    policy = run(POLICY, [], 2 * r)
    last = max(k[0] for k in policy)
    bs, bu = get(policy, last, "bypass_share", signing="signed"), get(policy, last, "bypass_share", signing="unsigned")
    odds = lambda q: q / (1 - q)
    print(f"\n## Signed family doctor (national-2015 {last}, {2 * r} replications)\n")
    print("| outcome | published | simulated |\n|---|---|---|")
    print(f"| bypass share, signed | – | {bs:.3f} |")
    print(f"| bypass share, unsigned | – | {bu:.3f} |")
    print(f"| odds ratio of bypassing, signed vs unsigned | 0.58 (≈ −9 points), Feng et al. 2017 ✓ | {odds(bs) / odds(bu):.3f} |")

    beds = float(p["tiers.tertiary.beds_per_1000"])
    five = ["run.years=6"]
    same = run(BASE, five, r)
    doubled = run(BASE, five + [f"tiers.tertiary.beds_per_1000={2 * beds}"], r)
    print(f"\n## Beds that fill (national-base run 2013–2018, tertiary beds ×2 from the start, {r} replications)\n")
    print("| year | tertiary occupancy, beds as they are | tertiary occupancy, beds ×2 | tertiary admissions ×2 ÷ as they are |\n|---|---|---|---|")
    for yr in range(2013, 2019):
        a0, a1 = get(same, yr, "admissions", "tertiary"), get(doubled, yr, "admissions", "tertiary")
        print(f"| {yr} | {get(same, yr, 'bed_occupancy', 'tertiary'):.3f} | {get(doubled, yr, 'bed_occupancy', 'tertiary'):.3f} | {a1 / a0:.2f} |")

    # Tertiary beds growing as they did nationally, 167.0万 (2013) → 277.8万 (2019): +8.8% a year.
    d = Path(tempfile.mkdtemp())
    atexit.register(shutil.rmtree, d, ignore_errors=True)
    changes = "\n".join(
        f'[[timeline]]\ndate = "{yr}-01-01"\nset = {{ "tiers.tertiary.beds_per_1000" = {beds * 1.088 ** (yr - 2013):.4f} }}\nsource = "NATIONAL-LEVERS.md §1"\n'
        for yr in range(2014, 2019))
    (d / "growth.toml").write_text(f'extends = "{BASE}"\nname = "growth"\n\n{changes}')
    grown = run(d / "growth.toml", five, r)
    print(f"\n## Tertiary beds growing 8.8% a year (as 2013–2019 nationally), other things as in 2013\n")
    print("| year | tertiary beds per 1,000 | tertiary occupancy | published (NATIONAL-LEVERS.md §2, DATA.md) |\n|---|---|---|---|")
    for yr in range(2013, 2019):
        pub = {2013: "hospitals 89.0%", 2019: "tertiary 97.7% (Jan–Nov)"}.get(yr, "")
        print(f"| {yr} | {beds * 1.088 ** (yr - 2013):.2f} | {get(grown, yr, 'bed_occupancy', 'tertiary'):.3f} | {pub} |")


if __name__ == "__main__":
    main()
