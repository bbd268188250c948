#!/usr/bin/env bash
# Install Slurm (Debian's slurm-wlm) and munge for the single-node test cluster.
# Needs root and apt-get; does nothing when sbatch, slurmctld, slurmd and munged are already there.
# Exit status: 0 installed or already present, 1 cannot install (not root, no apt-get, apt failure).
set -euo pipefail

have_all() {
    command -v sbatch >/dev/null && command -v slurmctld >/dev/null \
        && command -v slurmd >/dev/null && command -v munged >/dev/null
}

# Package versions from dpkg: `sbatch --version` needs a slurm.conf and, before start-slurm.sh has
# written one, prints only "fatal: Could not establish a configuration source".
versions() {
    local slurm munge
    slurm="$(dpkg-query -W -f='${Version}' slurm-wlm 2>/dev/null || true)"
    munge="$(dpkg-query -W -f='${Version}' munge 2>/dev/null || true)"
    echo "slurm-wlm ${slurm:-unknown}, munge ${munge:-unknown}"
}

# slurmctld, slurmd and munged live in /usr/sbin, which may not be on a non-login PATH.
export PATH="$PATH:/usr/sbin:/sbin"

if have_all; then
    echo "install-slurm: slurm and munge already installed ($(versions))"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-slurm: not root, cannot install slurm-wlm/munge" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null; then
    echo "install-slurm: apt-get not found, cannot install slurm-wlm/munge" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq -o Acquire::http::Timeout=30 -o Acquire::Retries=2
apt-get install -y -qq slurm-wlm munge
have_all
echo "install-slurm: installed $(versions)"
