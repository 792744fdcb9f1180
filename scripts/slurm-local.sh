#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the cluster path's tests (issue 14): installs
# Debian's slurm-wlm and munge when missing, writes a configuration for this host into
# $TIERFLOW_SLURM_DIR (default /tmp/tierflow-slurm; never /etc/slurm, so a machine's own Slurm
# configuration is left alone), and starts or stops munged, slurmctld and slurmd. Clients find
# the configuration through SLURM_CONF:
#
#   scripts/slurm-local.sh start && export SLURM_CONF=/tmp/tierflow-slurm/slurm.conf
#   scripts/slurm-local.sh stop    # stops only the daemons this script started
#
# Needs root (apt-get, and the daemons run as root here). If a Slurm controller already runs on
# this machine, start refuses rather than mix the two.
set -euo pipefail
dir=${TIERFLOW_SLURM_DIR:-/tmp/tierflow-slurm}
conf=$dir/slurm.conf

start() {
    if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
    fi
    if pgrep -x slurmctld >/dev/null && [[ ! -s $dir/slurmctld.pid ]]; then
        echo "error: a Slurm controller not started by this script is running; stop it or run the cluster test against it" >&2
        return 1
    fi
    mkdir -p "$dir/state" "$dir/spool" /run/munge
    host=$(hostname)
    cpus=$(nproc)
    mem_mb=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 3 / 4))
    cat >"$conf" <<CONF
# Written by tierflow's scripts/slurm-local.sh: one node, this host, for tests.
ClusterName=tierflow
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
    if [[ ! -s /etc/munge/munge.key ]]; then
        mkdir -p /etc/munge
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
    fi
    chown munge:munge /etc/munge/munge.key /run/munge 2>/dev/null || true
    chmod 400 /etc/munge/munge.key
    # munged: a machine's own one is shared (the key is the same); ours is recorded to stop.
    if ! pgrep -x munged >/dev/null; then
        /usr/sbin/munged --force --pid-file="$dir/munged.pid"
    fi
    running() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
    running "$dir/slurmctld.pid" || /usr/sbin/slurmctld -f "$conf"
    running "$dir/slurmd.pid" || /usr/sbin/slurmd -f "$conf"
    for _ in $(seq 1 50); do
        if SLURM_CONF=$conf sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
            echo "one-node Slurm cluster up on $host ($cpus CPUs)"
            return 0
        fi
        sleep 0.2
    done
    echo "error: Slurm did not come up; see $dir/slurmctld.log and $dir/slurmd.log" >&2
    return 1
}

stop() {
    # Only what this script started: the pids its daemons recorded.
    local pids=()
    for f in slurmd slurmctld munged; do
        [[ -s $dir/$f.pid ]] && pids+=("$(cat "$dir/$f.pid")")
    done
    ((${#pids[@]})) || return 0
    kill "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "${pids[@]}" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "${pids[@]}" 2>/dev/null || true
    rm -f "$dir"/slurmd.pid "$dir"/slurmctld.pid "$dir"/munged.pid
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
