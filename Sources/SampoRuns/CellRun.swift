import SampoCore

/// A comparison cell's run as it finished, for a caller that keeps its draws and report
/// (`compare --runs`): the draws as the row measured them (a Stan model's constrained values),
/// their names, and what the row's measurements found.
public enum CellRun {
    case chains(job: SamplingJob, run: ChainRun, quality: SampleQuality, draws: Draws, names: [String])
    case population(job: PopulationJob, result: PopulationJob.Result, quality: SampleQuality, draws: Draws, names: [String])
}
