#!/usr/bin/env python3
"""Fit national-base's calibrated parameters to observed levels AND published responses.

A development tool until `tierflow calibrate` exists (issue 10). Each parameter is tied to one
outcome and moved by a fixed-point update until every outcome is within tolerance; all runs of
one iteration use the same seed (common random numbers), so the responses are paired.

  parameter                                   outcome (target, source in the scenario file)
  behaviour.self_care_utility                 self-treated share of episodes, 2013
  tiers.{county,tertiary,out_of_region}.quality (one shift)  grassroots share of visits 2013
  behaviour.cost_per_yuan (travel tied: 206 yuan/hour)       elasticity of first contacts, outpatient prices +10%
  behaviour.village_cost_per_yuan             own-price elasticity of village-clinic visits
  behaviour.inpatient_cost_per_yuan           elasticity of admissions, inpatient prices +10%
  behaviour.admission_acceptance_utility      share of admissions declined
  admission probabilities, county (one multiplier)           county bed occupancy (beds are data)
  tiers.{tertiary,out_of_region}.quality (one more shift)   tertiary bed occupancy (beds are data)
  admission probabilities, township (one multiplier)         grassroots share of admissions
  incidence of non-emergency conditions (one multiplier)     visits per person
  tiers.township.beds_per_1000                township bed occupancy (no national count by tier)
  behaviour.signed_doctor                     odds ratio of bypassing, signed vs unsigned,
                                              national-2015.toml's last year

Prints the fitted values (to copy into scenarios/national-base.toml, marked "calibrated") and the
fit table for docs/calibration.md. Needs a built binary: cargo build --release.

  scripts/calibrate.py [--iterations 25] [-r 8]
"""
import argparse
import atexit
import csv
import math
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "tierflow"
BASE = ROOT / "scenarios" / "national-base.toml"
POLICY = ROOT / "scenarios" / "national-2015.toml"
POPULATION = 1_360_000_000

TARGETS = {
    "self_care_share": 0.20,
    "grassroots_share": 0.59,
    "visit_elasticity": -0.52,
    "village_elasticity": -1.5,
    "admission_elasticity": -0.37,
    "declined_share": 0.17,
    "admissions_per_person": 0.141,
    "grassroots_inpatient_share": 0.247,
    "visits_per_person": 5.37,
    "occupancy_township": 0.60,
    "occupancy_county": 0.85,
    "occupancy_tertiary": 0.97,
    "bypass_odds_ratio": 0.58,
}
TOLERANCE = {
    "self_care_share": 0.01,
    "grassroots_share": 0.005,
    "visit_elasticity": 0.03,
    "village_elasticity": 0.1,
    "admission_elasticity": 0.03,
    "declined_share": 0.02,
    "admissions_per_person": 0.012,
    "grassroots_inpatient_share": 0.005,
    "visits_per_person": 0.05,
    "occupancy_township": 0.02,
    "occupancy_county": 0.02,
    "occupancy_tertiary": 0.02,
    "bypass_odds_ratio": 0.03,
}


def run(scenario, sets, reps):
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "r"
        cmd = [BIN, "run", scenario, "-r", str(reps), "-q", "--out", str(out)]
        for s in sets:
            cmd += ["--set", s]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        rows = list(csv.DictReader(open(out / "metrics.csv")))
    last = max(int(r["year"]) for r in rows)
    return {
        (r["metric"], r["tier"], r["group"], r["condition"], r["signing"]): float(r["mean"])
        for r in rows
        if int(r["year"]) == last
    }


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


def get(m, metric, tier="all", signing="all"):
    return m.get((metric, tier, "all", "all", signing), 0.0)


def logit(p):
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


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


def params_of(path):
    out = subprocess.run([BIN, "params", path], check=True, capture_output=True, text=True).stdout
    return {line.split()[0]: line.split()[1] for line in out.splitlines() if line.strip()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iterations", type=int, default=8, help="sweeps over the parameters")
    ap.add_argument("-r", "--replications", type=int, default=16)
    ap.add_argument("--fix", nargs="*", default=[], help="parameters of the sweep to hold fixed")
    ap.add_argument("--write", action="store_true", help="write the fitted values into the scenario file")
    ap.add_argument("--step-limit", type=float, default=1.0, help="largest Newton step (transformed units)")
    ap.add_argument("--damping", type=float, default=0.8, help="share of each Newton step applied")
    ap.add_argument("--refresh", type=int, default=3, help="recompute the Jacobian every N steps")
    a = ap.parse_args()

    start = params_of(BASE)
    num = lambda k: float(start[k])
    conditions = sorted({k.split(".")[1] for k in start if k.startswith("conditions.")})
    emergency = {c for c in conditions if start.get(f"conditions.{c}.emergency") == "true"}
    admission = {k: num(k) for k in start
                 if ".admission_probability." in k and k.split(".")[1] not in emergency and num(k) > 0}
    incidence = {k: num(k) for k in start
                 if (".incidence_per_year" in k) and k.split(".")[1] not in emergency}
    village_cost = {f"conditions.{c}.outpatient_cost_yuan.village": num(f"conditions.{c}.outpatient_cost_yuan.village")
                    for c in conditions if num(f"conditions.{c}.outpatient_cost_yuan.village") > 0}
    global OUT_UP, IN_UP, VILLAGE_UP
    OUT_UP = changed_in_year({"prices.outpatient_index": 1.1})
    IN_UP = changed_in_year({"prices.inpatient_index": 1.1})
    # The village price is set in the timeline, so a --set of the base cost would be overridden:
    # the base village costs are not calibrated, so this is exact.
    VILLAGE_UP = changed_in_year({k: v * 1.1 for k, v in village_cost.items()})
    x = {
        "self_care_utility": num("behaviour.self_care_utility"),
        "hospital_shift": 0.0,
        "tertiary_shift": 0.0,
        "cost_per_yuan": num("behaviour.cost_per_yuan"),
        "village_cost_per_yuan": num("behaviour.village_cost_per_yuan"),
        "inpatient_cost_per_yuan": num("behaviour.inpatient_cost_per_yuan"),
        "admission_acceptance_utility": num("behaviour.admission_acceptance_utility"),
        "county_admission_multiplier": 1.0,
        "township_admission_multiplier": 1.0,
        "incidence_multiplier": 1.0,
        "beds_township": num("tiers.township.beds_per_1000"),
        "signed_doctor": num("behaviour.signed_doctor"),
    }
    quality = {t: num(f"tiers.{t}.quality") for t in ("county", "tertiary", "out_of_region")}

    def sets(x):
        s = [
            f"behaviour.self_care_utility={x['self_care_utility']}",
            f"behaviour.cost_per_yuan={x['cost_per_yuan']}",
            f"behaviour.travel_per_hour={206.0 * x['cost_per_yuan']}",
            f"behaviour.village_cost_per_yuan={x['village_cost_per_yuan']}",
            f"behaviour.inpatient_cost_per_yuan={x['inpatient_cost_per_yuan']}",
            f"behaviour.admission_acceptance_utility={x['admission_acceptance_utility']}",
            f"behaviour.signed_doctor={x['signed_doctor']}",
        ]
        s += [f"tiers.{t}.quality={q + x['hospital_shift'] + (x.get('tertiary_shift', 0.0) if t != 'county' else 0.0)}"
              for t, q in quality.items()]
        s += [
              f"tiers.township.beds_per_1000={x['beds_township']}"]
        for k, v in admission.items():
            tier = k.rsplit(".", 1)[1]
            m = x.get({"township": "township_admission_multiplier", "county": "county_admission_multiplier"}
                      .get(tier, "tertiary_admission_multiplier"), 1.0)
            s.append(f"{k}={min(v * m, 1.0)}")
        s += [f"{k}={v * x['incidence_multiplier']}" for k, v in incidence.items()]
        return s

    def measure(x, policy=True, extra=()):
        s = sets(x) + list(extra)
        base = run(BASE, s, a.replications)
        out_up = run(OUT_UP, s, a.replications)
        in_up = run(IN_UP, s, a.replications)
        vil_up = run(VILLAGE_UP, s, a.replications)
        policy = run(POLICY, s, 2 * a.replications) if policy else {}
        first = lambda m: get(m, "episodes") - get(m, "self_care")
        adm = lambda m: get(m, "admissions")
        dec = get(base, "admissions_declined")
        b_s, b_u = get(policy, "bypass_share", signing="signed"), get(policy, "bypass_share", signing="unsigned")
        odds = lambda p: p / (1 - p)
        return {
            "self_care_share": get(base, "self_care") / get(base, "episodes"),
            "grassroots_share": get(base, "grassroots_outpatient_share"),
            "visit_elasticity": (first(out_up) / first(base) - 1) / 0.1,
            "village_elasticity": (get(vil_up, "visits", "village") / get(base, "visits", "village") - 1) / 0.1,
            "admission_elasticity": (adm(in_up) / adm(base) - 1) / 0.1,
            "declined_share": dec / (dec + adm(base)),
            "admissions_per_person": adm(base) / POPULATION,
            "grassroots_inpatient_share": get(base, "grassroots_inpatient_share"),
            "visits_per_person": get(base, "visits") / POPULATION,
            "occupancy_township": get(base, "bed_occupancy", "township"),
            "occupancy_county": get(base, "bed_occupancy", "county"),
            "occupancy_tertiary": get(base, "bed_occupancy", "tertiary"),
            "bypass_odds_ratio": odds(b_s) / odds(b_u) if 0 < b_s < 1 and 0 < b_u < 1 else float("nan"),
        }

    # Nonlinear Gauss–Seidel in transformed coordinates (utilities as they are, coefficients and
    # multipliers on a log scale; shares on a logit scale, per-person levels on a log scale):
    # each parameter is paired with the outcome it moves most, and is moved in turn by a damped
    # Newton step on that outcome with a slope measured by finite differences, re-measuring all
    # outcomes after each move, so later moves see earlier ones. Slopes are re-measured every
    # `--refresh` sweeps. A full Jacobian with Newton or Broyden steps proved unstable here: the
    # coupling is strong but each outcome has one dominant lever. County and tertiary
    # occupancies are not fitted here: the hospitals' admission thresholds converge to their
    # target occupancies during the warm-up years (supply-induced admissions), and fitting
    # qualities to them as well fought the grassroots share (docs/calibration.md). The
    # signed-doctor coefficient has no effect on this one-year baseline (nobody has signed
    # yet), so it is fitted after, by secant steps on the policy scenario's odds ratio.
    pairs = [("self_care_utility", "self_care_share"),
             ("hospital_shift", "grassroots_share"),
             ("cost_per_yuan", "visit_elasticity"),
             ("village_total", "village_elasticity"),
             ("admission_acceptance_utility", "declined_share"),
             ("inpatient_cost_per_yuan", "admission_elasticity"),
             ("township_admission_multiplier", "grassroots_inpatient_share"),
             ("beds_township", "occupancy_township"),
             ("incidence_multiplier", "visits_per_person")]
    keys = [k for k, _ in pairs]
    pairs = [(k, t) for k, t in pairs if k not in a.fix]
    names = [t for _, t in pairs]
    logs = {"cost_per_yuan", "village_total", "inpatient_cost_per_yuan", "county_admission_multiplier",
            "township_admission_multiplier", "incidence_multiplier", "beds_township"}
    signed = x["signed_doctor"]
    share_like = {"self_care_share", "grassroots_share", "declined_share",
                  "grassroots_inpatient_share", "occupancy_township", "occupancy_county",
                  "occupancy_tertiary"}

    def to_u(x):
        v = dict(x, village_total=x["cost_per_yuan"] + x["village_cost_per_yuan"])
        return {k: math.log(abs(v[k])) if k in logs else v[k] for k in keys}

    def to_x(u):
        v = {"signed_doctor": signed}
        for k, val in u.items():
            sign = -1.0 if k in ("cost_per_yuan", "village_total", "inpatient_cost_per_yuan") else 1.0
            v[k] = sign * math.exp(val) if k in logs else val
        v["village_cost_per_yuan"] = v.pop("village_total") - v["cost_per_yuan"]
        return v

    def scale(k, v):
        if k in share_like:
            return logit(min(max(v, 0.005), 0.995))
        if k in ("admissions_per_person", "visits_per_person"):
            return math.log(max(v, 1e-9))
        return v

    def error(y):
        return max(abs(y[k] - TARGETS[k]) / TOLERANCE[k] for k in names)

    fixed = []
    level = lambda u: measure(to_x(u), policy=False, extra=fixed)
    u = to_u(x)
    y = level(u)
    best = (error(y), dict(u), y)
    slopes = {}
    for sweep in range(a.iterations):
        print(f"sweep {sweep}: error {error(y):.2f} tolerances; "
              + ", ".join(f"{k}={y[k]:.4g}" for k in names), flush=True)
        if error(y) <= 1.0:
            break
        if sweep % a.refresh == 0:
            for k, t in pairs:
                up = dict(u)
                up[k] += 0.25
                slope = (scale(t, level(up)[t]) - scale(t, y[t])) / 0.25
                slopes[k] = slope if abs(slope) > 1e-6 else 1e-6
            print("  slopes " + ", ".join(f"{k} {v:.3g}" for k, v in slopes.items()), flush=True)
        for k, t in pairs:
            if abs(y[t] - TARGETS[t]) <= TOLERANCE[t] / 2:
                continue
            step = (scale(t, TARGETS[t]) - scale(t, y[t])) / slopes[k]
            limit = a.step_limit if k in logs else 3 * a.step_limit
            u[k] += a.damping * max(-limit, min(limit, step))
            y = level(u)
            if error(y) < best[0]:
                best = (error(y), dict(u), y)
    _, u, y = best
    x = to_x(u)

    # The signed-doctor coefficient: secant steps on log(odds ratio).
    odds_goal = math.log(TARGETS["bypass_odds_ratio"])
    prev = None
    for it in range(6):
        y = measure(x)
        r = y["bypass_odds_ratio"]
        print(f"signed doctor {x['signed_doctor']:.4g}: odds ratio {r:.4g}", flush=True)
        if abs(r - TARGETS["bypass_odds_ratio"]) <= TOLERANCE["bypass_odds_ratio"] / 2:
            break
        now = (x["signed_doctor"], math.log(r))
        slope = -1.0 if prev is None or now[0] == prev[0] else (now[1] - prev[1]) / (now[0] - prev[0])
        slope = min(slope, -0.2)
        prev = now
        x["signed_doctor"] = now[0] + (odds_goal - now[1]) / slope
        signed = x["signed_doctor"]
    y = measure(x)

    print("\nfitted values (--set form):")
    for s in sets(x):
        print("  " + s)
    if a.write:
        write_values(BASE, sets(x))
        write_heilongjiang(params_of(BASE))
        print(f"written to {BASE} and the heilongjiang-baseline carve-outs")
    print("\n| outcome | target | simulated | tolerance | met |\n|---|---|---|---|---|")
    for k in TARGETS:
        met = abs(y[k] - TARGETS[k]) <= TOLERANCE[k]
        print(f"| {k} | {TARGETS[k]} | {y[k]:.4g} | ±{TOLERANCE[k]} | {'yes' if met else 'no'} |")


if __name__ == "__main__":
    main()
