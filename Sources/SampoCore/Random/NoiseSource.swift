/// Where a kernel's randomness comes from. Kernels are written against this protocol so a
/// step can be replayed with injected noise (`ScriptedNoise`) and checked exactly.
public protocol NoiseSource: AnyObject {
    func normal() -> Double
    /// Uniform on [0, 1).
    func uniform() -> Double
    /// Uniform on (0, 1).
    func uniformPositive() -> Double
}

extension RandomStream: NoiseSource {}

/// Noise given in advance: `normal()` returns the listed ξ values in order, `uniform()` the
/// listed u values (both cycle when exhausted). For one-step checks in tests.
public final class ScriptedNoise: NoiseSource {
    private let normals: [Double]
    private let uniforms: [Double]
    private var i = 0, j = 0

    public init(normals: [Double], uniforms: [Double] = [0.5]) {
        self.normals = normals.isEmpty ? [0] : normals
        self.uniforms = uniforms.isEmpty ? [0.5] : uniforms
    }

    /// How many normals and uniforms have been drawn.
    public var normalsDrawn: Int { i }
    public var uniformsDrawn: Int { j }

    public func normal() -> Double { defer { i += 1 }; return normals[i % normals.count] }
    public func uniform() -> Double { defer { j += 1 }; return uniforms[j % uniforms.count] }
    public func uniformPositive() -> Double { uniform() }
}
