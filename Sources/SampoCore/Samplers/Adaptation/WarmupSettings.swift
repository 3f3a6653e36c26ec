/// The warm-up parameters of the samplers that adapt a metric (HMC, NUTS): which inverse metric,
/// on which schedule, the low-rank fit's cut-off and regularisation, and the acceptance statistic
/// dual averaging aims for.
public struct WarmupSettings: SamplerSettings, Equatable {
    /// The `metric` key with a sampler's own default (one spelling and summary for all of them).
    public static func metricKey(default d: MetricKind) -> ParameterKey<MetricKind> {
        .choice("metric", d,
                "inverse metric adapted in warm-up: diag (regularised variances), dense (covariance), fisher-diag (√(var x / var ∇log π)), "
                + "fisher-lowrank (fisher-diag plus the directions whose rescaled variance is outside [1/rank_cutoff, rank_cutoff]), "
                + "fisher-dense (Σ with Σ Cov(∇log π) Σ = Cov(x)), unit (none)")
    }
    /// The `adaptation` key with a sampler's own default.
    public static func scheduleKey(default d: AdaptationSchedule) -> ParameterKey<AdaptationSchedule> {
        .choice("adaptation", d,
                "warm-up schedule of the metric: stan (doubling windows, refit at each window's end) or nutpie "
                + "(refit after every draw from a window that switches to its newer half; the last 15% step size only)")
    }
    public static let metric = metricKey(default: .diag)
    public static let schedule = scheduleKey(default: .stan)
    public static let rankCutoff = ParameterKey<Double>.halfOpen("rank_cutoff", 2, in: 1, .infinity,
        "fisher-lowrank: keep the rescaled covariance's eigenvalues above this or below its inverse")
    public static let rankGamma = ParameterKey<Double>.positive("rank_gamma", 1e-5,
        "fisher-lowrank: regularisation γ of the projected covariances (XXᵀ/γ + I)")
    public static let refitEvery = ParameterKey<Int?>.integer("refit_every", minimum: 1,
        "nutpie schedule: draws between refits of the metric (default 1 for diagonal metrics, 10 for dense and low-rank ones, whose fit costs O(d³); a switch always refits)")
    public static let delta = ParameterKey<Double>.fraction("delta", 0.8, in: 0, 1, "acceptance statistic the warm-up's dual averaging aims for")
    public static let specs = [metric.spec] + metricSpecs(schedule: schedule) + [delta.spec]
    /// The keys after `metric` that every sampler with a metric shares.
    public static func metricSpecs(schedule: ParameterKey<AdaptationSchedule>) -> [ParameterSpec] {
        [schedule.spec, rankCutoff.spec, rankGamma.spec, refitEvery.spec]
    }

    public var metric: MetricKind
    public var schedule: AdaptationSchedule
    public var lowRank: MetricEstimator.LowRankOptions
    /// Draws between refits on the nutpie schedule.
    public var refitEvery: Int
    /// The acceptance statistic aimed for; nil: the sampler's own target (MALA's 0.574).
    public var delta: Double?

    public init(_ p: SamplerParameters) { self.init(p, metric: Self.metric, schedule: Self.schedule, delta: Self.delta) }

    /// With a sampler's own metric and schedule keys (their defaults) and, or without, a `delta` key.
    public init(_ p: SamplerParameters, metric metricKey: ParameterKey<MetricKind>, schedule scheduleKey: ParameterKey<AdaptationSchedule>,
                delta deltaKey: ParameterKey<Double>?) {
        metric = p[metricKey]
        schedule = p[scheduleKey]
        lowRank = MetricEstimator.LowRankOptions(cutoff: p[Self.rankCutoff], gamma: p[Self.rankGamma])
        refitEvery = p[Self.refitEvery] ?? (metric.isDense || metric == .fisherLowRank ? 10 : 1)
        delta = deltaKey.map { p[$0] }
    }
}
