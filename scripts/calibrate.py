#!/usr/bin/env python3
"""Calibrate a baseline scenario's marked parameters against observed figures.

Adjusts, by fixed-point iteration on short tierflow runs:
  * the hospital tiers' quality (county, tertiary; out_of_region follows tertiary's shift), so the
    grassroots share of visits matches --grassroots-share (a logit-scale update, as for
    alternative-specific constants in Train, Discrete Choice Methods, ch. 2);
  * every non-emergency admission probability, by one multiplier, so admissions per person
    match --admissions-per-person;
  * beds per 1,000 at township, county and tertiary, so occupancy matches --occupancy.

Prints the calibrated values (to copy into the scenario, marked "calibrated") and a fit table
(target vs simulated) for docs/calibration.md. Needs a built binary: cargo build --release.

Example:
  scripts/calibrate.py scenarios/national-base.toml --grassroots-share 0.59 \
      --admissions-per-person 0.176 --occupancy township=0.60,county=0.85,tertiary=0.97
"""
import argparse
import csv
import math
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "tierflow"


def params(scenario, sets):
    out = subprocess.run([BIN, "params", scenario] + sum([["--set", s] for s in sets], []),
                         check=True, capture_output=True, text=True).stdout
    result = {}
    for line in out.splitlines():
        parts = line.split()
        result[parts[0]] = parts[1]
    return result


def run(scenario, sets, replications):
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "r"
        cmd = [BIN, "run", scenario, "-r", str(replications), "-q", "--out", str(out)]
        for s in sets:
            cmd += ["--set", s]
        subprocess.run(cmd, check=True)
        rows = list(csv.DictReader(open(out / "metrics.csv")))
    first = min(int(r["year"]) for r in rows)
    return {(r["metric"], r["tier"]): float(r["mean"]) for r in rows if int(r["year"]) == first}


def logit(p):
    return math.log(p / (1 - p))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario")
    ap.add_argument("--grassroots-share", type=float, required=True)
    ap.add_argument("--admissions-per-person", type=float, required=True)
    ap.add_argument("--occupancy", default="", help="tier=value,… (township, county, tertiary)")
    ap.add_argument("--iterations", type=int, default=8)
    ap.add_argument("--replications", type=int, default=4)
    ap.add_argument("--set", action="append", default=[], help="extra overrides, PATH=VALUE")
    a = ap.parse_args()

    p = params(a.scenario, a.set)
    quality = {t: float(p[f"tiers.{t}.quality"]) for t in ("county", "tertiary", "out_of_region") if f"tiers.{t}.quality" in p}
    admit = {k: float(v) for k, v in p.items() if ".admission_probability." in k and float(v) > 0}
    emergency = {k.split(".")[1] for k, v in p.items() if k.endswith(".emergency") and v == "true"}
    admit = {k: v for k, v in admit.items() if k.split(".")[1] not in emergency}
    occupancy = {t: float(v) for t, v in (x.split("=") for x in a.occupancy.split(",") if x)}
    beds = {t: float(p[f"tiers.{t}.beds_per_1000"]) for t in occupancy}
    size = float(p["population.size"])
    shift, mult = 0.0, 1.0

    def overrides():
        s = list(a.set)
        s += [f"tiers.{t}.quality={q + shift:.4f}" for t, q in quality.items()]
        s += [f"{k}={min(v * mult, 1.0):.5f}" for k, v in admit.items()]
        s += [f"tiers.{t}.beds_per_1000={b:.4f}" for t, b in beds.items()]
        return s

    for i in range(a.iterations):
        m = run(a.scenario, overrides(), a.replications)
        g = m[("grassroots_outpatient_share", "all")]
        adm = m[("admissions", "all")] / size
        occ = {t: m.get(("bed_occupancy", t), float("nan")) for t in occupancy}
        print(f"iteration {i}: grassroots {g:.4f}, admissions/person {adm:.4f}, "
              + ", ".join(f"{t} {o:.3f}" for t, o in occ.items()), file=sys.stderr)
        shift += logit(g) - logit(a.grassroots_share)
        mult *= a.admissions_per_person / adm
        for t, target in occupancy.items():
            if occ[t] == occ[t] and occ[t] > 0:
                beds[t] *= (occ[t] / target) ** 0.8

    m = run(a.scenario, overrides(), a.replications * 2)
    print("# calibrated values")
    for t, q in quality.items():
        print(f"tiers.{t}.quality = {q + shift:.2f}")
    for t, b in beds.items():
        print(f"tiers.{t}.beds_per_1000 = {b:.2f}")
    print(f"admission probability multiplier = {mult:.4f}")
    for k, v in admit.items():
        print(f"{k} = {min(v * mult, 1.0):.4f}")
    print("\n# fit (first reported year): target | simulated")
    print(f"grassroots_outpatient_share | {a.grassroots_share:.3f} | {m[('grassroots_outpatient_share', 'all')]:.3f}")
    print(f"admissions per person | {a.admissions_per_person:.3f} | {m[('admissions', 'all')] / size:.3f}")
    for t, target in occupancy.items():
        print(f"bed_occupancy {t} | {target:.3f} | {m.get(('bed_occupancy', t), float('nan')):.3f}")
    print(f"grassroots_inpatient_share | (report) | {m[('grassroots_inpatient_share', 'all')]:.3f}")
    print(f"visits per person | (report) | {m[('visits', 'all')] / size:.3f}")
    print(f"in_region_rate | (report) | {m[('in_region_rate', 'all')]:.3f}")


if __name__ == "__main__":
    main()
