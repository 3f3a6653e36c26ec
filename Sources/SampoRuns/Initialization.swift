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
    /// on the unconstrained space. As Stan's, a draw where the log density is not finite is
    /// replaced by another, up to ``uniformAttempts`` draws.
    case uniform(Double)
    /// The same given point for every chain.
    case point([Double])
    /// One given point per chain.
    case points([[Double]])

    /// The first start of chain `chain` (whose stream `rng` is, fresh): later random starts, where
    /// the density is not finite, are further draws of the same stream.
    public func start(chain: Int, rng: RandomStream, dimension d: Int) -> [Double] {
        var x = [Double](repeating: 0, count: d)
        switch self {
        case .normal: for j in 0..<d { x[j] = rng.normal() }
        case .zero: break
        case .uniform(let r): for j in 0..<d { x[j] = r * (2 * rng.uniform() - 1) }
        case .point(let p): x = p
        case .points(let ps): x = ps[chain]
        }
        return x
    }

    /// Stan's number of random starts tried before it gives up.
    public static let uniformAttempts = 100

    /// Where chains start unless told: the target's natural start (an image posterior's
    /// observation) when it has one; Stan's uniform(−2, 2) on a model sampled in unconstrained
    /// coordinates (a Stan program), as a Stan user expects; else a N(0, I) draw per chain.
    public static func `default`(for target: NamedTarget) -> Initialization {
        if let start = (target.density as? any HasNaturalStart)?.naturalStart { return .point(start) }
        if target.density is any ReportedCoordinates { return .uniform(2) }
        return .normal
    }
}
