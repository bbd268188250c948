#!/usr/bin/env bash
# Start a single-node Slurm cluster on this machine (for tests/cluster/test_slurm.py and for trying
# profiles/slurm-local by hand). Needs root and the packages from tests/cluster/install-slurm.sh.
#
# Everything (munge key and socket, slurm.conf, state, logs, pid files) lives under
#   SUBNAT_SLURM_DIR (default /var/tmp/subnat-slurm);
# the system's /etc/munge and /run/munge are not touched. Clients (sbatch, squeue, sinfo and the
# Snakemake executor) find the cluster through SLURM_CONF; the script prints the line to export.
# /etc/slurm/slurm.conf is written too (so plain `sinfo` works) unless a foreign one exists there.
#
# Idempotent: when the cluster already answers, it only waits for the node to be idle.
# Stop it with tests/cluster/stop-slurm.sh.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"

DIR="${SUBNAT_SLURM_DIR:-/var/tmp/subnat-slurm}"
PARTITION="${SUBNAT_SLURM_PARTITION:-debug}"
CTLD_PORT="${SUBNAT_SLURMCTLD_PORT:-6817}"
SLURMD_PORT="${SUBNAT_SLURMD_PORT:-6818}"
WAIT="${SUBNAT_SLURM_WAIT:-60}"      # seconds to wait for the node to become idle
CONF="$DIR/etc/slurm.conf"
MARKER="# written by subnat tests/cluster/start-slurm.sh"
export SLURM_CONF="$CONF"

die() { echo "start-slurm: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "must run as root (slurmd runs jobs as the submitting user)"
for cmd in munged slurmctld slurmd sinfo scontrol; do
    command -v "$cmd" >/dev/null || die "$cmd not found: run tests/cluster/install-slurm.sh"
done

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

mkdir -p "$DIR"/{etc,munge,ctld,spool,log,run}
chmod 0700 "$DIR/munge"

# --- munge: own key, socket, pid and log under $DIR ---------------------------------------------
KEY="$DIR/munge/munge.key"
SOCKET="$DIR/munge/munge.socket.2"
if [ ! -s "$KEY" ]; then
    dd if=/dev/urandom of="$KEY" bs=1024 count=1 status=none
    chmod 0400 "$KEY"
fi
if ! alive "$DIR/munge/munged.pid"; then
    rm -f "$SOCKET" "$SOCKET.lock"
    munged --force --socket="$SOCKET" --key-file="$KEY" --pid-file="$DIR/munge/munged.pid" \
        --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/munged.seed"
fi
for _ in $(seq 50); do [ -S "$SOCKET" ] && break; sleep 0.1; done
[ -S "$SOCKET" ] || die "munged did not create $SOCKET (see $DIR/log/munged.log)"

# --- slurm.conf: this machine's CPUs and memory as reported by slurmd -C ------------------------
# The controller and the node are this machine at 127.0.0.1 (SlurmctldHost=<name>(<addr>), NodeAddr):
# nothing depends on the host name resolving (containers often cannot resolve `hostname -s`).
ADDR="${SUBNAT_SLURM_ADDR:-127.0.0.1}"
NODE_LINE="$(slurmd -C | head -n 1)"          # NodeName=<host> CPUs=.. ... RealMemory=..
NODE_NAME="$(sed -n 's/^NodeName=\([^ ]*\).*/\1/p' <<<"$NODE_LINE")"
[ -n "$NODE_NAME" ] || die "cannot parse 'slurmd -C': $NODE_LINE"
cat > "$CONF.new" <<CONF
$MARKER
ClusterName=subnat
SlurmctldHost=$NODE_NAME($ADDR)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET
StateSaveLocation=$DIR/ctld
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SwitchType=switch/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
# Finished jobs stay visible to squeue this long: the executor's status checks rely on it.
MinJobAge=300
$NODE_LINE NodeAddr=$ADDR State=UNKNOWN
PartitionName=$PARTITION Nodes=$NODE_NAME Default=YES MaxTime=INFINITE State=UP
CONF
mv "$CONF.new" "$CONF"
if [ ! -e /etc/slurm/slurm.conf ] || grep -qF "$MARKER" /etc/slurm/slurm.conf; then
    mkdir -p /etc/slurm
    cp "$CONF" /etc/slurm/slurm.conf
fi

# --- daemons -------------------------------------------------------------------------------------
if ! alive "$DIR/run/slurmctld.pid"; then
    slurmctld -f "$CONF"
fi
if ! alive "$DIR/run/slurmd.pid"; then
    slurmd -f "$CONF"
fi

# --- wait until the node is idle -----------------------------------------------------------------
state=""
for _ in $(seq "$((WAIT * 2))"); do
    state="$(sinfo -h -N -n "$NODE_NAME" -o '%T' 2>/dev/null | head -n 1 || true)"
    case "$state" in
        idle) break ;;
        down*|drain*) scontrol update NodeName="$NODE_NAME" State=RESUME 2>/dev/null || true ;;
    esac
    sleep 0.5
done
if [ "$state" != idle ]; then
    tail -n 20 "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log" >&2 || true
    die "node $NODE_NAME not idle after ${WAIT}s (state: '${state:-no answer}')"
fi
echo "start-slurm: node $NODE_NAME idle in partition $PARTITION"
echo "export SLURM_CONF=$CONF"
