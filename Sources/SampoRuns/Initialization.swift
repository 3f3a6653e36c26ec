import SampoCore
import SampoDiagnostics
import Dispatch
import Foundation

/// Where each chain starts.
public enum Initialization: Sendable, Equatable {
    /// A draw of N(0, I) on the chain's own stream (the default).
    case normal
    /// The origin.
    case zero
    /// Each coordinate uniform on (−r, r), on the chain's own stream: Stan's default start is r = 2
    /// on the unconstrained space.
    case uniform(Double)
    /// The same given point for every chain.
    case point([Double])
    /// One given point per chain.
    case points([[Double]])
}
