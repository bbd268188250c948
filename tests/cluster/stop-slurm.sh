#!/usr/bin/env bash
# Stop the single-node cluster started by tests/cluster/start-slurm.sh: cancel its jobs, stop
# slurmd, slurmctld and munged by the pids in their pid files, and remove the /etc/slurm/slurm.conf
# it wrote. Idempotent. SUBNAT_SLURM_CLEAN=1 also deletes SUBNAT_SLURM_DIR (state, logs, key).
set -uo pipefail
export PATH="$PATH:/usr/sbin:/sbin"

DIR="${SUBNAT_SLURM_DIR:-/var/tmp/subnat-slurm}"
CONF="$DIR/etc/slurm.conf"
MARKER="# written by subnat tests/cluster/start-slurm.sh"
export SLURM_CONF="$CONF"

stop_pidfile() {  # name pidfile
    local pid
    [ -s "$2" ] || return 0
    pid="$(cat "$2")"
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            echo "stop-slurm: $1 ($pid) did not stop, sending KILL" >&2
            kill -9 "$pid" 2>/dev/null
        fi
        echo "stop-slurm: stopped $1 ($pid)"
    fi
    rm -f "$2"
}

if [ -f "$CONF" ] && [ -s "$DIR/run/slurmctld.pid" ] && command -v scancel >/dev/null; then
    timeout 10 scancel --full --quiet --partition="$(sed -n 's/^PartitionName=\([^ ]*\).*/\1/p' "$CONF")" \
        2>/dev/null || true
fi
stop_pidfile slurmd "$DIR/run/slurmd.pid"
stop_pidfile slurmctld "$DIR/run/slurmctld.pid"
stop_pidfile munged "$DIR/munge/munged.pid"

if [ -f /etc/slurm/slurm.conf ] && grep -qF "$MARKER" /etc/slurm/slurm.conf; then
    rm -f /etc/slurm/slurm.conf
fi
if [ "${SUBNAT_SLURM_CLEAN:-0}" = 1 ]; then
    rm -rf "$DIR"
fi
echo "stop-slurm: stopped"
