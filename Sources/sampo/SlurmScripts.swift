import Foundation

/// The two batch scripts of a submission. Every path is absolute and quoted; a task whose shard
/// is done exits at once, and one that was stopped continues its partial file (`compare --resume`).
struct SlurmScripts {
    let sampo: String
    let submission: ClusterSubmission
    let dir: String
    let name: String
    let partition: String?
    let time: String?
    let cpus: Int

    private func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }

    private var common: [String] {
        (partition.map { ["#SBATCH --partition=\($0)"] } ?? []) + (time.map { ["#SBATCH --time=\($0)"] } ?? [])
    }

    var array: String {
        let n = submission.tasks
        let jobName = "sampo-" + name.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        return ([
            "#!/bin/bash",
            "# Written by `sampo cluster submit`: one shard of \(submission.experiment) per array task.",
            "#SBATCH --job-name=\(jobName)",
            "#SBATCH --array=1-\(n)",
            "#SBATCH --output=\(dir)/\(ClusterSubmission.logName("%a"))",
            "#SBATCH --cpus-per-task=\(cpus)",
        ] + common + [
            // Slurm signals the batch shell 60 s before the time limit (and on pre-emption); the task is
            // re-queued after a pre-emption and continues where it stopped.
            "#SBATCH --signal=B:TERM@60",
            "#SBATCH --requeue",
            "set -u",
            "i=${SLURM_ARRAY_TASK_ID:?not a Slurm array task}",
            "shard=\(quoted(dir))/\(ClusterSubmission.shardName("$i", of: n, ".csv"))",
            "partial=\(quoted(dir))/\(ClusterSubmission.shardName("$i", of: n, ".partial.csv"))",
            "failed=\(quoted(dir))/\(ClusterSubmission.shardName("$i", of: n, ".failed"))",
            "if [ -f \"$shard\" ]; then echo \"shard $i of \(n): done before\"; exit 0; fi",
            "rm -f \"$failed\"",
            // The cell in progress is checkpointed when the task is stopped, and continued by the next run.
            "\(quoted(sampo)) compare --experiment \(quoted(submission.experiment)) --shard \"$i/\(n)\" --jobs \(cpus) --resume --out \"$partial\" "
                + "--checkpoints \(quoted(dir))/checkpoints &",
            "pid=$!",
            // The batch shell gets the signal: pass it on; compare keeps its finished rows.
            "trap 'kill -TERM $pid 2>/dev/null' TERM INT",
            "wait $pid; status=$?",
            "while kill -0 $pid 2>/dev/null; do wait $pid; status=$?; done",
            "if [ $status -eq 0 ]; then mv \"$partial\" \"$shard\"; echo \"shard $i of \(n): done\"; exit 0; fi",
            "if [ $status -ge 128 ]; then echo \"stopped by signal $((status - 128)); the next run continues\" > \"$failed\"",
            "elif [ $status -eq 3 ]; then echo \"stopped by a signal; the cell in progress was checkpointed; the next run continues\" > \"$failed\"",
            "else echo \"exit status $status\" > \"$failed\"; fi",
            "exit $status",
        ]).joined(separator: "\n") + "\n"
    }

    var merge: String {
        let n = submission.tasks
        let shards = (1...n).map { quoted(submission.shardFile($0, dir)) }.joined(separator: " \\\n  ")
        return ([
            "#!/bin/bash",
            "# Written by `sampo cluster submit`: merges the \(n) shards of \(submission.experiment) (submitted after the array succeeds).",
            "#SBATCH --job-name=sampo-merge",
            "#SBATCH --output=\(dir)/logs/merge.log",
            "#SBATCH --cpus-per-task=1",
        ] + common + [
            "set -eu",
            "\(quoted(sampo)) merge \\\n  \(shards) \\\n  --out \(quoted(dir + "/comparison.csv"))",
        ]).joined(separator: "\n") + "\n"
    }
}
