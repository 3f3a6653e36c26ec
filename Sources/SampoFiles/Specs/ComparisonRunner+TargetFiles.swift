import SampoCore
import SampoDiagnostics
import SampoRuns

// The runs layer takes targets as values; this overload resolves target names through target
// files (shipped names or paths), as the command line does.
extension ComparisonRunner {
    /// Runs one cell, loading its target with `TargetFile.load`.
    public static func run(_ cell: ComparisonGrid.Cell, grid: ComparisonGrid, jobs: Int, checkpoint: CellCheckpoint? = nil,
                           keep: ((CellRun) throws(SampoError) -> Void)? = nil) throws(SampoError) -> ComparisonRow {
        try run(cell, grid: grid, jobs: jobs, checkpoint: checkpoint, keep: keep) { (name: String) throws(SampoError) -> NamedTarget in try TargetFile.load(name) }
    }
}
