/// The parameter of the kernels that sample the Moreau–Yosida envelope (MYULA, MYMALA): λ.
public struct MoreauYosidaSettings: SamplerSettings, Equatable {
    public static let lambda = ParameterKey<Double>.positive("lambda", 0.25,
        "Moreau–Yosida smoothing λ (Lau–Liu–Pock's choice; about 1/L_f … 2/L_f)")
    public static let specs = [lambda.spec]

    public var lambda: Double

    public init(_ p: SamplerParameters) { lambda = p[Self.lambda] }
}
