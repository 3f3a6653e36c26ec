#!/bin/bash
# `make cluster-test`: a one-node Slurm cluster started in a scratch folder (munge, slurmctld and
# slurmd with their keys, sockets, state, logs and pid files all inside it), a 12-cell comparison
# grid (two targets, three samplers, two seeds) run as a 4-task job array through
# `sampo cluster submit`, and the merged table checked against the unsharded run's rows (timing
# columns aside); then a long `sample` run as a batch job is sent TERM mid-run (`scancel
# --signal=TERM`), checkpoints and exits 3, is requeued, continues from its checkpoint, and must
# end with draws and summary byte-identical to an uninterrupted run. The daemons it started are stopped by pid; nothing is left outside the scratch
# folder, which is removed unless the test fails (then its logs are kept and named).
set -euo pipefail

SAMPO=$(realpath "${SAMPO:-.build/release/sampo}")
scratch=$(mktemp -d /tmp/sampo-slurm.XXXXXX)
host=$(hostname -s)
cpus=$(nproc)
ok=0
stop() {
    for pidfile in "$scratch"/slurmd.pid "$scratch"/slurmctld.pid "$scratch"/munged.pid; do
        if [ -s "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
    done
    sleep 1
    if [ "$ok" = 1 ]; then rm -rf "$scratch"; else echo "cluster-test: FAILED; logs kept in $scratch" >&2; fi
}
trap stop EXIT

# munge with its own key and socket.
dd if=/dev/urandom of="$scratch/munge.key" bs=1024 count=1 status=none
chmod 400 "$scratch/munge.key"
munged --force --key-file="$scratch/munge.key" --socket="$scratch/munge.socket" --pid-file="$scratch/munged.pid" \
    --log-file="$scratch/munged.log" --seed-file="$scratch/munged.seed"

mkdir -p "$scratch/state" "$scratch/spool"
cat > "$scratch/slurm.conf" <<EOF
ClusterName=sampotest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$scratch/munge.socket
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/slurmctld.pid
SlurmdPidFile=$scratch/slurmd.pid
SlurmctldLogFile=$scratch/slurmctld.log
SlurmdLogFile=$scratch/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
MpiDefault=none
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$scratch/slurm.conf"
slurmctld
slurmd
for _ in $(seq 1 30); do
    if sinfo -h -o "%t" 2>/dev/null | grep -q idle; then break; fi
    sleep 1
done
sinfo -h -o "%t" | grep -q idle || { echo "cluster-test: the node did not become idle" >&2; exit 1; }
echo "cluster-test: (${SECONDS} s) one-node Slurm up ($host, $cpus CPUs)"

cp "$(dirname "$0")/../Fixtures/cluster-grid.toml" "$scratch/grid.toml"

"$SAMPO" cluster submit "$scratch/grid.toml" --tasks 4 --cpus 1 --out "$scratch/run" | tee "$scratch/submit.out"
array=$(sed -n 's/.*array job \([0-9]*\).*/\1/p' "$scratch/submit.out")
merge=$(sed -n 's/.*merge job \([0-9]*\).*/\1/p' "$scratch/submit.out")
[ -n "$array" ] && [ -n "$merge" ] || { echo "cluster-test: no job ids in the submit output" >&2; exit 1; }
for _ in $(seq 1 300); do
    if [ -z "$(squeue -h -j "$array,$merge" 2>/dev/null)" ]; then break; fi
    sleep 1
done
"$SAMPO" cluster status "$scratch/run" | tee "$scratch/status.out"
grep -q "4 done, 0 running, 0 pending, 0 failed" "$scratch/status.out"
grep -q "12 of 12 done" "$scratch/status.out"
[ -f "$scratch/run/comparison.csv" ] || { echo "cluster-test: the merge job wrote no comparison.csv" >&2; exit 1; }

"$SAMPO" compare --experiment "$scratch/grid.toml" --out "$scratch/whole.csv" > /dev/null
python3 - "$scratch/run/comparison.csv" "$scratch/whole.csv" <<'EOF'
import csv, sys
timing = {"wall_seconds", "ess_per_second"}
def rows(path):
    with open(path) as f:
        lines = [l for l in f if not l.startswith("#")]
    out = {}
    for r in csv.DictReader(lines):
        out[(r["target"], r["sampler"], r["seed"])] = {k: v for k, v in r.items() if k not in timing}
    return out
sharded, whole = rows(sys.argv[1]), rows(sys.argv[2])
assert len(whole) == 12, f"the unsharded grid has {len(whole)} rows"
assert sharded == whole, "the merged shards differ from the unsharded run"
print(f"cluster-test: {len(sharded)} merged rows equal the unsharded run's (timing columns aside)")
EOF

# A second submission of the same experiment: every shard is done, so each task exits at once.
"$SAMPO" cluster submit "$scratch/grid.toml" --tasks 4 --cpus 1 --out "$scratch/run" > "$scratch/resubmit.out"
grep -q "4 shards done before" "$scratch/resubmit.out"
array2=$(sed -n 's/.*array job \([0-9]*\).*/\1/p' "$scratch/resubmit.out")
merge2=$(sed -n 's/.*merge job \([0-9]*\).*/\1/p' "$scratch/resubmit.out")
for _ in $(seq 1 120); do
    if [ -z "$(squeue -h -j "$array2,$merge2" 2>/dev/null)" ]; then break; fi
    sleep 1
done
grep -q "done before" "$scratch/run/logs/shard-1.log"

# A long `sample` as a batch job: TERM mid-run, a checkpoint and exit 3; requeued, it continues from
# the checkpoint (a `sample --checkpoint FILE` whose FILE exists resumes it) to the same bytes.
state() { squeue -h -j "$1" -o "%T" 2>/dev/null || true; }
wait_while() {   # wait_while JOB STATE...: until the job is in none of the states (at most 5 min)
    local job=$1; shift
    for _ in $(seq 1 1500); do
        local s again=0
        s=$(state "$job")
        for w in "$@"; do if [ "$s" = "$w" ]; then again=1; fi; done
        [ "$again" = 1 ] || return 0
        sleep 0.2
    done
    echo "cluster-test: job $job stayed $(state "$job")" >&2; exit 1
}
long="$scratch/long"; mkdir -p "$long"
args=(sample --target lau-gmm --sampler nuts --steps 300000 --warmup 2000 --chains 2 --jobs 1 --seed 4)
"$SAMPO" "${args[@]}" --draws "$long/plain-draws.csv" --summary "$long/plain-summary.csv" > /dev/null 2>&1
cat > "$long/sample.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=sampo-long-sample
#SBATCH --requeue
#SBATCH --cpus-per-task=1
#SBATCH --open-mode=append
#SBATCH --output=$long/job.log
exec "$SAMPO" ${args[*]} --draws "$long/draws.csv" --summary "$long/summary.csv" --checkpoint "$long/run.ckpt" --checkpoint-every 10m
EOF
job=$(sbatch --parsable "$long/sample.sbatch")
wait_while "$job" PENDING CONFIGURING
sleep 1.5
[ "$(state "$job")" = RUNNING ] || { echo "cluster-test: the sample job was not running 1.5 s in: $(state "$job")" >&2; exit 1; }
scancel --signal=TERM --batch "$job"
wait_while "$job" RUNNING COMPLETING
grep -q "checkpointed at iteration" "$long/job.log" || { echo "cluster-test: no checkpoint on TERM" >&2; cat "$long/job.log" >&2; exit 1; }
[ -f "$long/run.ckpt" ] && [ ! -f "$long/draws.csv" ]
echo "cluster-test: (${SECONDS} s) the sample job checkpointed on TERM: $(grep -o 'checkpointed at iteration [^ ]*' "$long/job.log")"
scontrol requeue "$job"
scontrol release "$job" 2>/dev/null || true
# Slurm holds a requeued job back two minutes (its begin time); here it may start at once.
sleep 0.5
scontrol update JobId="$job" StartTime=now
wait_while "$job" PENDING REQUEUED REQUEUE_HOLD CONFIGURING RUNNING COMPLETING
grep -q "resuming from the checkpoint" "$long/job.log" || { echo "cluster-test: the requeued job did not resume" >&2; cat "$long/job.log" >&2; exit 1; }
cmp "$long/plain-draws.csv" "$long/draws.csv"
cmp "$long/plain-summary.csv" "$long/summary.csv"
[ ! -f "$long/run.ckpt" ] || { echo "cluster-test: the checkpoint was left after the run completed" >&2; exit 1; }
echo "cluster-test: (${SECONDS} s) requeued, the sample job resumed; draws and summary byte-identical to the uninterrupted run"
ok=1
echo "cluster-test: passed"
