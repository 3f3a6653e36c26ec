/// A kernel with facts about its run worth reporting (named lists of numbers, e.g. PT's schedule).
public protocol KernelReporting: MarkovKernel {
    var report: [String: [Double]] { get }
}
