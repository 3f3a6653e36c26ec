import SampoCore
import SampoDiagnostics
import SampoRuns

// The runs layer takes targets as values; this overload resolves target names through target
// files (shipped names or paths), as the command line does.
extension Benchmark {
    /// Runs one case, loading its target with `TargetFile.load`.
    public static func run(_ c: Case) throws(SampoError) -> Row {
        try run(c) { (name: String) throws(SampoError) -> NamedTarget in try TargetFile.load(name) }
    }
}
