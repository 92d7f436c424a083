#!/usr/bin/env bash
# A throw-away single-node Slurm cluster (munged + slurmctld + slurmd) under one directory, for
# the Slurm executor's tests (docs/SCALE-OUT.md). No systemd, nothing written to /etc, /var or
# /run; every daemon is stopped by the pid it wrote, never by name.
#
#   scripts/slurm-cluster.sh start <dir>   create <dir> (made 0755: munged insists), start the
#                                          daemons, wait until a batch job runs; prints the env
#   scripts/slurm-cluster.sh env <dir>     print the env clients need (SLURM_CONF=...)
#   scripts/slurm-cluster.sh stop <dir>    cancel and drain every job, stop the daemons (the
#                                          directory stays: its logs help when a test failed)
#
# Needs the Debian packages slurmctld slurmd slurm-client munge (scripts/install-deps.sh) and
# root (SlurmUser=root). Why each setting is there: docs/SCALE-OUT.md and the comments below.
set -euo pipefail
# The daemons live in /usr/sbin, which a non-login PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"

usage() { echo "usage: $0 start|stop|env <dir>" >&2; exit 2; }
(($# == 2)) || usage
cmd=$1
T=$2

# Polls "$@" every 50 ms until it succeeds; fails when the daemon whose pid file is $1 died or
# $2 seconds have passed.
wait_until() {
  local pidfile=$1 limit=$2
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if [[ -n $pidfile ]]; then
      local pid
      pid=$(cat "$pidfile" 2>/dev/null || true)
      if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
        echo "slurm-cluster: daemon of $pidfile died" >&2
        return 1
      fi
    fi
    if ((SECONDS > deadline)); then
      echo "slurm-cluster: timed out after ${limit}s waiting for: $*" >&2
      return 1
    fi
    sleep 0.05
  done
}

free_port() {
  local p
  for _ in $(seq 200); do
    p=$(shuf -i 20000-59000 -n 1)
    if ! ss -Htln "( sport = :$p or sport = :$((p + 1)) )" | grep -q .; then
      echo "$p"
      return 0
    fi
  done
  echo "slurm-cluster: no free port pair found" >&2
  return 1
}

print_env() { echo "SLURM_CONF=$T/etc/slurm.conf"; }

ctld_up() { scontrol ping | grep -q 'is UP'; }
node_idle() { [[ "$(sinfo -h -n localhost -o %T)" == idle ]]; }
queue_empty() { [[ -z "$(squeue -h -o %i)" ]]; }
job_done() { scontrol -o show job "$1" | grep -q 'JobState=COMPLETED'; }
# A pid counts as gone when it no longer exists or is a zombie (PID 1 here reaps late).
gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

start() {
  for b in munged mungekey slurmctld slurmd sbatch sinfo scontrol squeue scancel; do
    if ! command -v "$b" >/dev/null 2>&1 && [[ ! -x /usr/sbin/$b ]]; then
      echo "slurm-cluster: '$b' not found: install slurmctld slurmd slurm-client munge (scripts/install-deps.sh)" >&2
      exit 1
    fi
  done
  if [[ -e $T/etc/slurm.conf ]]; then
    echo "slurm-cluster: $T already holds a cluster" >&2
    exit 1
  fi
  mkdir -p "$T"
  T=$(cd "$T" && pwd)
  chmod 755 "$T"
  mkdir -p "$T"/{etc,munge,state,spool,log}
  chmod 755 "$T/munge"
  local port
  port=$(free_port)
  export SLURM_CONF=$T/etc/slurm.conf
  # Slurm expands no variables: every path is written out. batch_sched_delay=0 starts batch
  # jobs on the next 1 s tick; OverSubscribe lets a test fan-out run more than 2 jobs at once.
  cat >"$SLURM_CONF" <<EOF
ClusterName=takotest
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$T/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
SlurmctldDebug=info
SlurmdDebug=info
SchedulerParameters=batch_sched_delay=0
KillWait=2
EnforcePartLimits=ALL
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 Sockets=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
EOF
  mungekey -c -k "$T/munge/munge.key" -b 1024
  munged -S "$T/munge/munge.socket" --key-file="$T/munge/munge.key" --pid-file="$T/munge/munged.pid" \
    --log-file="$T/munge/munged.log" --seed-file="$T/munge/munged.seed"
  slurmctld -f "$SLURM_CONF"
  wait_until "$T/slurmctld.pid" 20 ctld_up || { tail -5 "$T/log/slurmctld.log" >&2; exit 1; }
  slurmd -f "$SLURM_CONF"
  wait_until "$T/slurmd.pid" 20 node_idle || { tail -5 "$T/log/slurmd.log" >&2; exit 1; }
  # The first batch job waits for slurmctld's first scheduler pass (~3 s): paid here, once.
  local j
  j=$(sbatch --parsable -o /dev/null --wrap true)
  wait_until "$T/slurmctld.pid" 30 job_done "$j" || { tail -5 "$T/log/slurmctld.log" >&2; exit 1; }
  print_env
}

stop() {
  T=$(cd "$T" 2>/dev/null && pwd) || { echo "slurm-cluster: no directory $T" >&2; exit 1; }
  export SLURM_CONF=$T/etc/slurm.conf
  # Jobs outlive the daemons: cancel and drain them first.
  if [[ -f $T/slurmctld.pid ]] && kill -0 "$(cat "$T/slurmctld.pid")" 2>/dev/null; then
    local ids
    ids=$(squeue -h -o %i 2>/dev/null || true)
    if [[ -n $ids ]]; then
      # shellcheck disable=SC2086
      scancel --full $ids || true
      wait_until "$T/slurmctld.pid" 60 queue_empty || echo "slurm-cluster: jobs left: $(squeue -h)" >&2
    fi
  fi
  local pids=() f pid
  for f in "$T/slurmd.pid" "$T/slurmctld.pid" "$T/munge/munged.pid"; do
    pid=$(cat "$f" 2>/dev/null || true)
    if [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null; then pids+=("$pid"); fi
  done
  local deadline=$((SECONDS + 30))
  for pid in "${pids[@]}"; do
    until gone "$pid"; do
      if ((SECONDS > deadline)); then
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.02
    done
  done
}

case $cmd in
  start) start ;;
  stop) stop ;;
  env)
    T=$(cd "$T" && pwd)
    print_env
    ;;
  *) usage ;;
esac
