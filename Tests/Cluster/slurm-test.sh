#!/bin/bash
# `make cluster-test`: a one-node Slurm cluster started in a scratch folder (munge, slurmctld and
# slurmd with their keys, sockets, state, logs and pid files all inside it), a 12-cell comparison
# grid (two targets, three samplers, two seeds) run as a 4-task job array through
# `sampo cluster submit`, and the merged table checked against the unsharded run's rows (timing
# columns aside). The daemons it started are stopped by pid; nothing is left outside the scratch
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
echo "cluster-test: one-node Slurm up ($host, $cpus CPUs)"

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
ok=1
echo "cluster-test: passed"
