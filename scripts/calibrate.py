#!/usr/bin/env python3
"""Fit national-base's calibrated parameters to observed levels AND published responses.

A development tool until `tierflow calibrate` exists (issue 10). Each parameter is tied to one
outcome and moved by a fixed-point update until every outcome is within tolerance; all runs of
one iteration use the same seed (common random numbers), so the responses are paired.

  parameter                                   outcome (target, source in the scenario file)
  behaviour.self_care_utility                 self-treated share of episodes, 2013
  tiers.township.quality                      grassroots share of visits 2013
  tiers.county.quality                        county bed occupancy (beds are observed: NATIONAL-LEVERS.md)
  tiers.{tertiary,out_of_region}.quality      tertiary bed occupancy
  behaviour.cost_per_yuan (travel tied: 206 yuan/hour)       elasticity of first contacts, outpatient prices +10%
  behaviour.village_cost_per_yuan             own-price elasticity of village-clinic visits
  behaviour.inpatient_cost_per_yuan           elasticity of admissions, inpatient prices +10%
  behaviour.admission_acceptance_utility      share of admissions declined
  admission probabilities, county and above (one multiplier)  admissions per person
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
import csv
import math
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
    "admissions_per_person": 0.176,
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
    "declined_share": 0.01,
    "admissions_per_person": 0.003,
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


def params_of(path):
    out = subprocess.run([BIN, "params", path], check=True, capture_output=True, text=True).stdout
    return {line.split()[0]: line.split()[1] for line in out.splitlines() if line.strip()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iterations", type=int, default=25)
    ap.add_argument("-r", "--replications", type=int, default=8)
    ap.add_argument("--write", action="store_true", help="write the fitted values into the scenario file")
    ap.add_argument("--step-limit", type=float, default=1.0, help="largest Newton step (transformed units)")
    ap.add_argument("--damping", type=float, default=0.8, help="share of each Newton step applied")
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
    x = {
        "self_care_utility": num("behaviour.self_care_utility"),
        "township_quality": num("tiers.township.quality"),
        "county_quality": num("tiers.county.quality"),
        "tertiary_shift": 0.0,
        "cost_per_yuan": num("behaviour.cost_per_yuan"),
        "village_cost_per_yuan": num("behaviour.village_cost_per_yuan"),
        "inpatient_cost_per_yuan": num("behaviour.inpatient_cost_per_yuan"),
        "admission_acceptance_utility": num("behaviour.admission_acceptance_utility"),
        "admission_multiplier": 1.0,
        "township_admission_multiplier": 1.0,
        "incidence_multiplier": 1.0,
        "beds_township": num("tiers.township.beds_per_1000"),
        "signed_doctor": num("behaviour.signed_doctor"),
    }
    quality = {t: num(f"tiers.{t}.quality") for t in ("tertiary", "out_of_region")}

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
        s += [f"tiers.{t}.quality={q + x['tertiary_shift']}" for t, q in quality.items()]
        s += [f"tiers.township.quality={x['township_quality']}",
              f"tiers.county.quality={x['county_quality']}",
              f"tiers.township.beds_per_1000={x['beds_township']}"]
        for k, v in admission.items():
            m = x["township_admission_multiplier"] if k.endswith(".township") else x["admission_multiplier"]
            s.append(f"{k}={min(v * m, 1.0)}")
        s += [f"{k}={v * x['incidence_multiplier']}" for k, v in incidence.items()]
        return s

    def measure(x):
        s = sets(x)
        base = run(BASE, s, a.replications)
        out_up = run(BASE, s + ["prices.outpatient_index=1.1"], a.replications)
        in_up = run(BASE, s + ["prices.inpatient_index=1.1"], a.replications)
        vil_up = run(BASE, s + [f"{k}={v * 1.1}" for k, v in village_cost.items()], a.replications)
        policy = run(POLICY, s, 2 * a.replications)
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

    # Newton's method in transformed coordinates (utilities as they are, coefficients and
    # multipliers on a log scale; shares on a logit scale, per-person levels on a log scale),
    # with a finite-difference Jacobian at the start and Broyden updates after each step. The
    # outcomes are strongly coupled (self-care, prices and travel all move every share), which
    # defeats one-parameter-per-outcome updates.
    names = list(TARGETS)
    keys = ["self_care_utility", "township_quality", "county_quality", "tertiary_shift",
            "cost_per_yuan", "village_total", "inpatient_cost_per_yuan",
            "admission_acceptance_utility", "admission_multiplier",
            "township_admission_multiplier", "incidence_multiplier", "beds_township",
            "signed_doctor"]
    logs = {"cost_per_yuan", "village_total", "inpatient_cost_per_yuan", "admission_multiplier",
            "township_admission_multiplier", "incidence_multiplier", "beds_township"}

    def to_u(x):
        v = dict(x, village_total=x["cost_per_yuan"] + x["village_cost_per_yuan"])
        return [math.log(abs(v[k])) if k in logs else v[k] for k in keys]

    def to_x(u):
        v = {}
        for k, val in zip(keys, u):
            sign = -1.0 if k in ("cost_per_yuan", "village_total", "inpatient_cost_per_yuan") else 1.0
            v[k] = sign * math.exp(val) if k in logs else val
        v["village_cost_per_yuan"] = v.pop("village_total") - v["cost_per_yuan"]
        return v

    def scaled(y):
        share = {"self_care_share", "grassroots_share", "declined_share",
                 "grassroots_inpatient_share", "occupancy_township", "occupancy_county",
                 "occupancy_tertiary"}
        out = []
        for k in names:
            v = y[k]
            if k in share:
                out.append(logit(min(max(v, 0.005), 0.995)))
            elif k in ("admissions_per_person", "visits_per_person", "bypass_odds_ratio"):
                out.append(math.log(max(v, 1e-9)) if not math.isnan(v) else 0.0)
            else:
                out.append(v)
        return out

    def solve(m, b):
        n = len(b)
        m = [row[:] + [b[i]] for i, row in enumerate(m)]
        for c in range(n):
            piv = max(range(c, n), key=lambda r: abs(m[r][c]))
            m[c], m[piv] = m[piv], m[c]
            if abs(m[c][c]) < 1e-12:
                m[c][c] = 1e-12
            for r in range(n):
                if r != c:
                    f = m[r][c] / m[c][c]
                    m[r] = [a - f * bb for a, bb in zip(m[r], m[c])]
        return [m[i][n] / m[i][i] for i in range(n)]

    goal = scaled(TARGETS)
    u = to_u(x)
    y = measure(to_x(u))
    g = scaled(y)
    step = 0.15
    jac = [[0.0] * len(keys) for _ in names]
    for j in range(len(keys)):
        up = u[:]
        up[j] += step
        gj = scaled(measure(to_x(up)))
        for i in range(len(names)):
            jac[i][j] = (gj[i] - g[i]) / step
        print(f"jacobian column {j + 1}/{len(keys)}", flush=True)
    for it in range(a.iterations):
        misses = [k for k in names if not abs(y[k] - TARGETS[k]) <= TOLERANCE[k]]
        print(f"iteration {it}: " + ", ".join(f"{k}={y[k]:.4g}" for k in names), flush=True)
        if not misses:
            break
        du = solve(jac, [gs - gi for gs, gi in zip(goal, g)])
        norm = math.sqrt(sum(d * d for d in du))
        limit = a.step_limit
        if norm > limit:
            du = [d * limit / norm for d in du]
        u = [ui + a.damping * d for ui, d in zip(u, du)]
        y = measure(to_x(u))
        g_new = scaled(y)
        # Broyden's update: J += (Δg − J Δu) Δuᵀ / |Δu|².
        du = [a.damping * d for d in du]
        dd = sum(d * d for d in du)
        jdu = [sum(jac[i][j] * du[j] for j in range(len(keys))) for i in range(len(names))]
        for i in range(len(names)):
            r = (g_new[i] - g[i]) - jdu[i]
            for j in range(len(keys)):
                jac[i][j] += r * du[j] / dd
        g = g_new
    x = to_x(u)

    print("\nfitted values (--set form):")
    for s in sets(x):
        print("  " + s)
    if a.write:
        write_values(BASE, sets(x))
        print(f"written to {BASE}")
    print("\n| outcome | target | simulated | tolerance | met |\n|---|---|---|---|---|")
    for k in TARGETS:
        met = abs(y[k] - TARGETS[k]) <= TOLERANCE[k]
        print(f"| {k} | {TARGETS[k]} | {y[k]:.4g} | ±{TOLERANCE[k]} | {'yes' if met else 'no'} |")


if __name__ == "__main__":
    main()
