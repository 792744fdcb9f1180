#!/usr/bin/env python3
"""Print a calibration's fit.csv as the markdown table of docs/calibration.md.

  tierflow calibrate scenarios/national-base.toml
  scripts/fit_table.py outputs/national-base-calibration/fit.csv
"""
import csv
import sys


def fmt(x):
    v = float(x)
    if abs(v) >= 1e5:
        return f"{v:.4g}".replace("e+09", " × 10⁹")
    return f"{v:.4g}".replace("-", "−")


def main(path):
    print("| target | value | simulated | 5–95% over replications | tolerance | met |")
    print("|---|---|---|---|---|---|")
    for r in csv.DictReader(open(path, encoding="utf-8")):
        met = "yes" if r["met"] == "true" else "no"
        print(f"| {r['target']} | {fmt(r['value'])} | {fmt(r['simulated_mean'])} | "
              f"{fmt(r['p5'])} to {fmt(r['p95'])} | ±{fmt(r['tolerance'])} | {met} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "outputs/national-base-calibration/fit.csv")
