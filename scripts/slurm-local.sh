#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the cluster path's tests (issue 14): installs
# Debian's slurm-wlm and munge when missing, writes a configuration for this host under
# $TIERFLOW_SLURM_DIR (default /tmp/tierflow-slurm), and starts or stops munged, slurmctld and
# slurmd. Needs root (apt-get, and the daemons run as root here).
#
#   scripts/slurm-local.sh start   # then sbatch/squeue/sinfo work on this host
#   scripts/slurm-local.sh stop
set -euo pipefail
dir=${TIERFLOW_SLURM_DIR:-/tmp/tierflow-slurm}
conf=/etc/slurm/slurm.conf

start() {
    if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
    fi
    mkdir -p "$dir/state" "$dir/spool" /etc/slurm /run/munge
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
    pgrep -x munged >/dev/null || /usr/sbin/munged --force
    pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld -f "$conf"
    pgrep -x slurmd >/dev/null || /usr/sbin/slurmd -f "$conf"
    for _ in $(seq 1 50); do
        if sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
            echo "one-node Slurm cluster up on $host ($cpus CPUs)"
            return 0
        fi
        sleep 0.2
    done
    echo "error: Slurm did not come up; see $dir/slurmctld.log and $dir/slurmd.log" >&2
    return 1
}

stop() {
    for d in slurmd slurmctld munged; do
        pkill -x "$d" 2>/dev/null || true
    done
    for _ in $(seq 1 50); do
        pgrep 'slurm|munged' >/dev/null || return 0
        sleep 0.1
    done
    pkill -9 'slurm|munged' 2>/dev/null || true
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
