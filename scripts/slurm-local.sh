#!/usr/bin/env bash
# A private single-node Slurm cluster on this machine, for CI and for trying `bench slurm`:
# munged + slurmctld + slurmd (Debian's slurm-wlm 22.05, no systemd, no cgroups, no accounting),
# with their configuration, sockets, state and logs in one directory, started and stopped by
# the PIDs recorded there.
#
#   scripts/slurm-local.sh start [DIR]    start it (default DIR /tmp/fair-uq-slurm); prints
#                                         `export SLURM_CONF=DIR/slurm.conf` for eval
#   scripts/slurm-local.sh stop [DIR]     cancel every job, stop the daemons by recorded PID
#   scripts/slurm-local.sh status [DIR]   the daemons' PIDs and sinfo
#
# Needs root (slurmd runs jobs as their submitter) and the packages slurmctld, slurmd,
# slurm-client and munge. Slurm's ports are fixed (6817/6818): one such cluster per host.
# Facts behind the configuration: ../shared/SLURM-ON-THIS-MACHINE.md.
set -euo pipefail

action=${1:-}
dir=${2:-${FAIR_UQ_SLURM_DIR:-/tmp/fair-uq-slurm}}
conf="$dir/slurm.conf"

say() { echo "slurm-local: $*" >&2; }

running() { [ -f "$dir/$1.pid" ] && kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null; }

start() {
    for tool in munged slurmctld slurmd sinfo sbatch squeue scancel; do
        command -v "$tool" >/dev/null || { say "$tool is not installed (apt-get install -y slurmctld slurmd slurm-client munge)"; exit 1; }
    done
    if running slurmctld || running slurmd; then
        say "already running in $dir"; echo "export SLURM_CONF=$conf"; return
    fi
    mkdir -p "$dir"/{munge,state,spool,log}
    chmod 0755 "$dir/munge"
    # The node as slurmd sees it (CPUs, memory), named localhost: no DNS lookups.
    local node
    node=$(slurmd -C | head -1 | sed -e 's/^NodeName=[^ ]*/NodeName=localhost/' -e 's/ UpTime=.*//')
    cat > "$conf" <<EOF
ClusterName=fairuq
SlurmctldHost=localhost
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket.2
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.daemon.pid
SlurmdPidFile=$dir/slurmd.daemon.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MailProg=/bin/true
KillWait=5
MinJobAge=600
$node State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
    munged --socket="$dir/munge/munge.socket.2" --pid-file="$dir/munge/munged.pid" \
           --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munge.seed" --force
    for _ in $(seq 50); do [ -f "$dir/munge/munged.pid" ] && break; sleep 0.1; done
    cp "$dir/munge/munged.pid" "$dir/munged.pid"
    SLURM_CONF="$conf" setsid slurmctld -D -f "$conf" >>"$dir/log/slurmctld.out" 2>&1 < /dev/null &
    echo $! > "$dir/slurmctld.pid"
    SLURM_CONF="$conf" setsid slurmd -D -N localhost -f "$conf" >>"$dir/log/slurmd.out" 2>&1 < /dev/null &
    echo $! > "$dir/slurmd.pid"
    for _ in $(seq 100); do
        if SLURM_CONF="$conf" sinfo -h -o %t 2>/dev/null | grep -qx idle; then
            say "single-node cluster up in $dir (slurmctld $(cat "$dir/slurmctld.pid"), slurmd $(cat "$dir/slurmd.pid"))"
            echo "export SLURM_CONF=$conf"
            return
        fi
        sleep 0.2
    done
    say "the node did not become idle within 20 s; logs in $dir/log"
    tail -5 "$dir"/log/*.log >&2 || true
    stop
    exit 1
}

stop() {
    if [ -f "$conf" ] && running slurmctld; then
        SLURM_CONF="$conf" scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
        # slurmstepd outlives slurmd: wait for the queue to drain before stopping the daemons.
        for _ in $(seq 100); do
            [ -z "$(SLURM_CONF="$conf" squeue -h -o %i 2>/dev/null)" ] && break
            sleep 0.1
        done
    fi
    for daemon in slurmd slurmctld munged; do
        if running "$daemon"; then
            local pid; pid=$(cat "$dir/$daemon.pid")
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
        fi
        rm -f "$dir/$daemon.pid"
    done
    say "stopped ($dir)"
}

case "$action" in
    start) start ;;
    stop) stop ;;
    status)
        for daemon in munged slurmctld slurmd; do
            if running "$daemon"; then echo "$daemon: $(cat "$dir/$daemon.pid")"; else echo "$daemon: not running"; fi
        done
        [ -f "$conf" ] && SLURM_CONF="$conf" sinfo 2>/dev/null || true ;;
    *) echo "usage: $0 start|stop|status [DIR]" >&2; exit 2 ;;
esac
