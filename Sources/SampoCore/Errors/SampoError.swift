/// Every error Sampo reports. The cases name API concepts (a step size, a sampler parameter, a
/// run setting, a file field), so a Swift caller can match them; the `sampo` command maps them
/// to its flags. `isUsage` tells bad input (exit status 2 on the command line) from a run that
/// failed (status 1).
public enum SampoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A setting out of its allowed range or of the wrong form; the text says what was expected.
    case invalid(Setting, String)
    /// No sampler has this name.
    case unknownSampler(name: String, known: [String])
    /// The sampler takes no parameter of this name.
    case unknownParameter(sampler: String, name: String, known: [String])
    /// No shipped target has this name and no file has this path.
    case unknownTarget(name: String, shipped: [String])
    /// A file (target, experiment, draws, points) that cannot be used; the text names the field,
    /// line or column and what was expected.
    case badFile(path: String, String)
    /// A chain's starting point (chain numbered from 0) has a non-finite log density; Stan refuses
    /// to start there too.
    case nonFiniteStart(chain: Int?, logDensity: Double)
    /// A target's gradient (or another vector it returns) has the wrong number of coordinates:
    /// `what` names it, `expected` is the target's dimension. Found on the first call, before sampling.
    case wrongLength(of: String, expected: Int, received: Int)
    /// Every chain of a run stopped on a non-finite state.
    case allChainsDiverged(chains: Int)
    /// Other bad input.
    case usage(String)
    /// A run or a write that failed.
    case runtime(String)

    /// What a setting is, in the library's terms.
    public enum Setting: Hashable, Sendable, CustomStringConvertible {
        /// The step size h of a kernel.
        case stepSize
        /// A sampler parameter by its registry name (`lambda`, `particles`, …).
        case samplerParameter(String)
        /// An argument of a library call by its Swift name (`chains`, `steps`, `initialization`, …),
        /// with the positions (from 1) of the element at fault in a nested array: `.argument("means",
        /// at: [2, 1])` is the first coordinate of the second mean. A file reader maps it to its field.
        case argument(String, at: [Int] = [])

        public var description: String {
            switch self {
            case .stepSize: return "step size"
            case .samplerParameter(let name): return "sampler parameter '\(name)'"
            case .argument(let name, let at): return name + at.map { "[\($0)]" }.joined()
            }
        }
    }

    /// Whether the error is bad input rather than a failed run.
    public var isUsage: Bool {
        switch self {
        case .runtime, .nonFiniteStart, .allChainsDiverged: return false
        default: return true
        }
    }

    public var description: String {
        switch self {
        case .invalid(let setting, let text): return "\(setting): \(text)"
        case .unknownSampler(let name, let known):
            return "unknown sampler '\(Truncated.text(name))' (known: \(known.joined(separator: ", ")))"
        case .unknownParameter(let sampler, let name, let known):
            let list = known.isEmpty ? "it takes none" : "known: " + known.joined(separator: ", ")
            return "sampler '\(sampler)' has no parameter '\(Truncated.text(name))' (\(list))"
        case .unknownTarget(let name, let shipped):
            return "no target named '\(Truncated.text(name, limit: 200))' and no such file" + (shipped.isEmpty ? "" : " (shipped: \(shipped.joined(separator: ", ")))")
        case .badFile(let path, let text): return "\(path): \(text)"
        case .wrongLength(let what, let expected, let received):
            return "the target's \(what) has \(received) coordinate\(received == 1 ? "" : "s"), expected \(expected) (its dimension)"
        case .nonFiniteStart(let chain, let lp):
            let which = chain.map { "chain \($0 + 1): " } ?? ""
            return which + "the log density at the starting point is \(lp); choose another start"
        case .allChainsDiverged(let chains):
            return "all \(chains) chain\(chains == 1 ? "" : "s") diverged (the state became non-finite or exceeded the divergence bound); try a smaller step size"
        case .usage(let text), .runtime(let text): return text
        }
    }

    /// The message as the library states it.
    public var message: String { description }
}
