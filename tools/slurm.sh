#!/usr/bin/env bash
# A one-node Slurm cluster on this machine (Debian slurm-wlm 22.05 + munge), as docs/ENVIRONMENT.md of the shared
# folder records it: munged with a local key, slurmctld and slurmd as root, no cgroups (proctrack/linuxproc,
# task/none), every state, spool, pid and log file under one folder.
#   tools/slurm.sh start   installs slurm-wlm and munge if missing (apt), starts munged, slurmctld and slurmd unless
#                          they already run from this folder, waits until the node is idle; prints SLURM_CONF=PATH
#   tools/slurm.sh stop    stops the daemons started from this folder (by their pid files; munged is left running)
#   tools/slurm.sh status  sinfo of the cluster, exit 1 when it does not answer
# The folder is $ELECTRODESIM_SLURM_DIR (default /tmp/electrodesim-slurm). Client commands need
# SLURM_CONF=$ELECTRODESIM_SLURM_DIR/slurm.conf in their environment. Idempotent: start on a running cluster only
# prints its SLURM_CONF; stop on a stopped one does nothing.
set -euo pipefail
dir="${ELECTRODESIM_SLURM_DIR:-/tmp/electrodesim-slurm}"
conf="$dir/slurm.conf"
export SLURM_CONF="$conf"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"

log() { echo "slurm.sh: $*" >&2; }

install_missing() {
  local missing=()
  for p in slurm-wlm munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # An update only when the package lists do not know the packages yet (a fresh machine).
  apt-cache show slurm-wlm >/dev/null 2>&1 || $sudo apt-get -o DPkg::Lock::Timeout=600 update -q >&2
  $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -q "${missing[@]}" >&2
}

munge_ok() { munge -n 2>/dev/null | unmunge 2>/dev/null | grep -q "STATUS: *Success"; }

start_munge() {
  munge_ok && return 0
  if [ ! -s /etc/munge/munge.key ]; then
    $sudo install -d -o munge -g munge -m 700 /etc/munge
    $sudo dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    $sudo chown munge:munge /etc/munge/munge.key
    $sudo chmod 400 /etc/munge/munge.key
  fi
  $sudo install -d -o munge -g munge -m 755 /run/munge
  $sudo munged --force
  for _ in $(seq 50); do munge_ok && return 0; sleep 0.1; done
  log "munged started but 'munge -n | unmunge' does not print STATUS: Success"
  return 1
}

# True when the daemon whose pid file is $1 runs.
running() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

write_conf() {
  local host cpus memory
  host="$(hostname)"
  cpus="$(nproc)"
  # RealMemory a little below what the kernel reports, so slurmd's own reading never drains the node.
  memory=$(( $(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) * 9 / 10 ))
  mkdir -p "$dir/state" "$dir/spool" "$dir/log"
  cat >"$conf.tmp" <<EOF
ClusterName=electrodesim
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$conf.tmp" "$conf"
}

node_idle() { sinfo -h -o '%t' 2>/dev/null | grep -Eq '^(idle|mix|alloc)'; }

start() {
  install_missing
  start_munge
  if running "$dir/slurmctld.pid" && running "$dir/slurmd.pid" && node_idle; then
    log "already running from $dir"
    echo "SLURM_CONF=$conf"
    return 0
  fi
  running "$dir/slurmctld.pid" || running "$dir/slurmd.pid" || write_conf
  running "$dir/slurmctld.pid" || $sudo slurmctld -f "$conf"
  running "$dir/slurmd.pid" || $sudo slurmd -f "$conf"
  for _ in $(seq 300); do
    if node_idle; then
      log "running from $dir ($(sinfo -h -o '%n %t %c CPUs'))"
      echo "SLURM_CONF=$conf"
      return 0
    fi
    sleep 0.1
  done
  log "the node is not idle after 30 s; logs in $dir/log:"
  tail -n 20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 2>/dev/null || true
  return 1
}

stop() {
  local pidfile pid
  for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
    running "$pidfile" || continue
    pid="$(cat "$pidfile")"
    $sudo kill "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  log "stopped ($dir)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) sinfo ;;
  *) echo "usage: tools/slurm.sh start|stop|status" >&2; exit 2 ;;
esac
