import Foundation
import SampoCore
import SampoRuns

/// The folder of `compare --runs DIR`: each cell's draws and run report in
/// `DIR/TARGET/SAMPLER/seed-N/` (names reduced to letters, digits, '-' and '_'), written as
/// `sample --draws --report` writes them, so that `sampo report` can show more than the table.
public enum RunsFolder {
    public static let drawsFile = "draws.csv"
    public static let reportFile = "report.json"

    public static func folder(root: String, target: String, sampler: String, seed: UInt64) -> String {
        root + "/" + HTMLPage.slug(target) + "/" + HTMLPage.slug(sampler) + "/seed-\(seed)"
    }

    /// Writes a cell's draws (with the sampler's per-transition columns when it has them) and report.
    public static func write(_ run: CellRun, root: String, target: String, sampler: String, seed: UInt64) throws(SampoError) {
        let dir = folder(root: root, target: target, sampler: sampler, seed: seed)
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw .runtime("\(dir): cannot create the folder (\(error.localizedDescription))")
        }
        switch run {
        case .chains(let job, let result, let quality, let draws, let names):
            var metadata = job.metadata(kind: "draws") + job.adaptationMetadata(result)
            if !result.divergedChains.isEmpty {
                metadata.append(("diverged_chains", result.divergedChains.map { "\($0 + 1)" }.joined(separator: " ")))
            }
            try DrawsCSV.write(draws, names: names, to: dir + "/" + drawsFile, metadata: metadata,
                               extra: result.statistics.map { .samplerStatistics($0, capacity: result.draws.capacity) })
            var report = RunReport(job: job, run: result, meanError: quality.meanError, covarianceError: quality.covarianceError,
                                   psnr: quality.psnr, ssim: quality.ssim)
            report.warnings = quality.warnings
            try AtomicFile.write(try report.json(), to: dir + "/" + reportFile)
        case .population(let job, let result, let quality, let draws, let names):
            try DrawsCSV.write(draws, names: names, to: dir + "/" + drawsFile, metadata: job.metadata(kind: "draws"))
            var report = RunReport(job: job, result: result)
            report.warnings += quality.warnings
            try AtomicFile.write(try report.json(), to: dir + "/" + reportFile)
        }
    }
}
