#!/usr/bin/env bash
# The test suite, as README.md and CI run it: installs the components the tests drive when they
# are missing (headless Chromium and ChromeDriver; Slurm and munge, all Debian packages), starts
# a one-node Slurm cluster (scripts/slurm-local.sh, needs root) and stops it at the end, and runs
# `cargo test --release` with any extra arguments given (e.g. `scripts/test.sh report`).
#
# Browser and cluster tests fail, never skip, when their component is absent: this script is how
# it gets there.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
if ((${#need[@]})); then
    echo "installing ${need[*]} (Debian packages) for the browser tests" >&2
    if [[ $(id -u) -eq 0 ]]; then
        sudo=()
    elif command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    else
        echo "error: ${need[*]} missing and not root: install them (apt-get install ${need[*]}) and rerun" >&2
        exit 2
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
chromium --version

# A one-node Slurm cluster for the cluster path's test, stopped however the tests end.
export TIERFLOW_SLURM_DIR=${TIERFLOW_SLURM_DIR:-/tmp/tierflow-slurm}
bash scripts/slurm-local.sh start
trap 'bash scripts/slurm-local.sh stop' EXIT
export SLURM_CONF=$TIERFLOW_SLURM_DIR/slurm.conf

cargo test --release "$@"
