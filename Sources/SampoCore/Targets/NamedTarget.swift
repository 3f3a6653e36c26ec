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

    public init(name: String, description: String = "", family: String = "custom", path: String = "-",
                density: any LogDensity, moments: KnownMoments? = nil, notes: [String] = []) {
        self.name = name
        self.description = description
        self.family = family
        self.path = path
        self.density = density
        self.moments = moments ?? (density as? any HasKnownMoments)?.knownMoments ?? KnownMoments()
        self.notes = notes
    }

    public var dimension: Int { density.dimension }
    public var exactSampler: (any ExactSampler)? { density as? any ExactSampler }
}

