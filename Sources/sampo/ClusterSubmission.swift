import Foundation
import SampoCore
import SampoFiles

/// What a submission folder records (`cluster.json`), so that `status` and a second `submit` know it.
struct ClusterSubmission: Codable, Equatable {
    var experiment: String
    var tasks: Int
    var cells: Int
    /// The experiment file's hash when submitted: a changed file would leave finished shards of the
    /// old grid beside new ones.
    var experimentHash: String?
    var arrayJob: String?
    var mergeJob: String?

    enum CodingKeys: String, CodingKey {
        case experiment, tasks, cells, experimentHash = "experiment_hash"
        case arrayJob = "array_job", mergeJob = "merge_job"
    }

    static func path(in dir: String) -> String { dir + "/cluster.json" }

    static func read(_ dir: String) throws -> ClusterSubmission? {
        let file = path(in: dir)
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        do {
            return try JSONDecoder().decode(ClusterSubmission.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw SampoError.badFile(path: file, "not a submission record written by `sampo cluster submit` (\(error.localizedDescription))")
        }
    }

    func write(_ dir: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(String(decoding: try encoder.encode(self), as: UTF8.self) + "\n", to: Self.path(in: dir))
    }

    /// Where shard `i`'s files and log live in the folder: one naming for the batch scripts (where `i`
    /// is `$i`, Slurm's `%a` for the log) and for `status`.
    static func shardName(_ i: String, of tasks: Int, _ suffix: String) -> String { "shards/shard-\(i)-of-\(tasks)\(suffix)" }
    static func logName(_ i: String) -> String { "logs/shard-\(i).log" }

    func shardFile(_ i: Int, _ dir: String) -> String { "\(dir)/" + Self.shardName("\(i)", of: tasks, ".csv") }
    func partialFile(_ i: Int, _ dir: String) -> String { "\(dir)/" + Self.shardName("\(i)", of: tasks, ".partial.csv") }
    func failedFile(_ i: Int, _ dir: String) -> String { "\(dir)/" + Self.shardName("\(i)", of: tasks, ".failed") }
}
