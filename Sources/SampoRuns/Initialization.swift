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
    /// The same given point for every chain.
    case point([Double])
    /// One given point per chain.
    case points([[Double]])
}
