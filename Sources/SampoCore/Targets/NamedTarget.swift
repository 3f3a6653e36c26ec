import Foundation
/// A density with what is known about it: its name, where it came from, its known moments and
/// notes. Target files load into one; a Swift caller makes one from any `LogDensity`.
public struct NamedTarget: Sendable {
    public let name: String
    public let description: String
    public let family: String
    public let path: String
    public let density: any LogDensity
    /// Known moments: the target's own closed forms, overridden field by field by a `[reference]` table.
    public let moments: KnownMoments
    /// Things the loader changed and the user should hear about (e.g. weights normalised).
    public let notes: [String]
    /// Gold-standard reference draws, when the target has them (a posteriordb posterior): chains of
    /// parameter name → draws, read when asked for.
    public var referenceDraws: (@Sendable () throws(SampoError) -> [[String: [Double]]])?
    /// Names given by the file or the density (nil: x1 … xd).
    private let givenNames: [String]?
    /// The parameters' names, used by every output (draws header, summaries, plots): the file's
    /// `names`, or the density's own (`HasParameterNames`), or x1 … xd (made when asked for, so a
    /// target of huge dimension that is refused later never builds them).
    public var parameterNames: [String] { givenNames ?? Self.defaultNames(dimension) }

    public init(name: String, description: String = "", family: String = "custom", path: String = "-",
                density: any LogDensity, moments: KnownMoments? = nil, notes: [String] = [],
                parameterNames: [String]? = nil) {
        self.name = name
        self.description = description
        self.family = family
        self.path = path
        self.density = density
        self.moments = moments ?? (density as? any HasKnownMoments)?.knownMoments ?? KnownMoments()
        self.notes = notes
        let given = parameterNames ?? (density as? any HasParameterNames)?.parameterNames
        givenNames = given?.count == density.dimension ? given : nil
    }

    /// x1 … xd.
    public static func defaultNames(_ d: Int) -> [String] { (0..<d).map { "x\($0 + 1)" } }

    /// Why `names` cannot name the parameters of a d-dimensional target (nil when they can): one
    /// name each, distinct, non-empty, usable as a CSV header cell, not a column Sampo or Stan reserves.
    public static func problem(withNames names: [String], dimension d: Int) -> String? {
        guard names.count == d else { return "expected \(d) names (one per coordinate), found \(names.count)" }
        var seen = Set<String>()
        for (i, n) in names.enumerated() {
            if n.isEmpty { return "name \(i + 1) is empty" }
            if n.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline || $0.asciiValue.map { $0 < 32 } == true }) {
                return "name \(i + 1) ('\(n)') contains a comma, quote or control character"
            }
            if n != n.trimmingCharacters(in: .whitespaces) { return "name \(i + 1) ('\(n)') begins or ends with a space" }
            if n == "chain" || n == "draw" || n.hasSuffix("__") || n.hasPrefix("#") {
                return "name \(i + 1) ('\(n)') is reserved (chain, draw, names ending in __, names starting with #)"
            }
            if !seen.insert(n).inserted { return "name '\(n)' appears twice" }
        }
        return nil
    }

    public var dimension: Int { density.dimension }
    public var exactSampler: (any ExactSampler)? { density as? any ExactSampler }
}

/// A density that names its own parameters (e.g. a regression: intercept and covariates).
/// An image posterior that knows the image its observation was made from (for PSNR and SSIM).
public protocol HasImageTruth {
    /// The true image, row-major, and its size; nil when unknown (an observation given as a file
    /// with a PGM truth still has it).
    var imageTruth: (pixels: [Double], rows: Int, cols: Int)? { get }
}

/// A target with a start better than a N(0, I) draw (an image posterior starts at its observation).
public protocol HasNaturalStart {
    var naturalStart: [Double]? { get }
}

/// The smooth part of a composite target that proposes the proximal samplers' defaults (used when
/// the user gives no step size or λ).
public protocol HasProximalDefaults {
    var defaultLambda: Double { get }
    func defaultStepSize(lambda: Double) -> Double
}

public protocol HasParameterNames {
    var parameterNames: [String] { get }
}

