#!/usr/bin/env bash
# Runs every bundled scenario (2 replications, no charts) into DIR, so a refactor can show that
# outputs are unchanged: snapshot before, snapshot after, then `diff -r BEFORE AFTER`
# (manifest.json and summary.json record timings and are left out of the comparison).
#   scripts/snapshot_outputs.sh /tmp/before
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/snapshot_outputs.sh DIR}
mkdir -p "$out"
cargo build --release -q
for f in scenarios/*.toml; do
    name=$(basename "$f" .toml)
    target/release/tierflow run "$f" -r 2 -q --no-charts --force -o "$out/$name"
    rm -f "$out/$name/manifest.json" "$out/$name/summary.json"
done
echo "snapshot of $(ls scenarios/*.toml | wc -l) scenarios in $out"
