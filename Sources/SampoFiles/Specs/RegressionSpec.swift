import SampoCore
import Foundation

/// `family = "regression"`: a Bayesian GLM on a CSV data set. `likelihood` (logistic | probit |
/// poisson | gaussian), `data` (relative to the target file), `response`, optional `covariates`
/// (default: every other column), `standardize` (true), `intercept` (true), `noise_sd` (gaussian),
/// and `[prior]` with `kind` (normal | laplace), `scale`, `intercept_scale` (10).
enum RegressionSpec {
    static let keys: Set<String> = ["name", "description", "family", "dimension", "likelihood", "data", "response",
                                    "covariates", "standardize", "intercept", "noise_sd", "prior", "reference"]

    static func build(_ f: TOMLFields) throws(SampoError) -> any LogDensity {
        try f.rejectUnknownKeys(allowed: keys)
        let likelihoodName = try f.string("likelihood")
        guard let likelihood = RegressionTarget.Likelihood(rawValue: likelihoodName) else {
            throw f.error("likelihood", "unknown likelihood '\(likelihoodName)' (known: logistic, probit, poisson, gaussian)")
        }
        func bool(_ key: String, _ value: Bool) throws(SampoError) -> Bool {
            guard f.has(key) else { return value }
            guard let b = f.table[key]?.bool else { throw f.error(key, "expected true or false") }
            return b
        }
        let standardize = try bool("standardize", true), intercept = try bool("intercept", true)
        if f.has("noise_sd") && likelihood != .gaussian { throw f.error("noise_sd", "only for likelihood = \"gaussian\"") }
        let noiseSD = try f.optionalDouble("noise_sd") ?? 1
        // The prior.
        var kind = "normal", scale = 1.0, interceptScale = 10.0
        if f.has("prior") {
            let p = try f.subtable("prior")
            try p.rejectUnknownKeys(allowed: ["kind", "scale", "intercept_scale"])
            kind = try p.optionalString("kind") ?? kind
            guard kind == "normal" || kind == "laplace" else { throw p.error("kind", "unknown prior '\(kind)' (known: normal, laplace)") }
            scale = try p.optionalDouble("scale") ?? scale
            interceptScale = try p.optionalDouble("intercept_scale") ?? interceptScale
            guard scale > 0 else { throw p.error("scale", "expected a positive number, found \(scale)") }
            guard interceptScale > 0 else { throw p.error("intercept_scale", "expected a positive number, found \(interceptScale)") }
        }
        // The data, relative to the target file.
        let dataPath = try f.path("data")
        let csv = try f.reading("data") { () throws(SampoError) in try NumericCSV.read(dataPath) }
        let responseName = try f.string("response")
        guard let yColumn = csv.column(responseName) else {
            throw f.error("response", "no column '\(responseName)' in \(dataPath) (columns: \(csv.header.joined(separator: ", ")))")
        }
        let covariates = f.has("covariates") ? try f.strings("covariates") : csv.header.filter { $0 != responseName }
        guard !covariates.isEmpty || intercept else { throw f.error("covariates", "no covariates and no intercept: nothing to infer") }
        var columns: [Int] = []
        for name in covariates {
            guard let c = csv.column(name) else {
                throw f.error("covariates", "no column '\(name)' in \(dataPath) (columns: \(csv.header.joined(separator: ", ")))")
            }
            guard c != yColumn else { throw f.error("covariates", "'\(name)' is the response") }
            columns.append(c)
        }
        let n = csv.rowCount
        guard n >= 2 else { throw .badFile(path: dataPath, "expected at least 2 data rows, found \(n)") }
        // The response within its support.
        var y = [Double](repeating: 0, count: n)
        for r in 0..<n {
            let v = csv[r, yColumn]
            let ok: Bool
            switch likelihood {
            case .logistic, .probit: ok = v == 0 || v == 1
            case .poisson: ok = v >= 0 && v == v.rounded() && v.isFinite
            case .gaussian: ok = v.isFinite
            }
            guard ok else {
                let expected = likelihood == .poisson ? "a count (0, 1, 2, …)" : likelihood == .gaussian ? "a finite number" : "0 or 1"
                throw .badFile(path: dataPath, "row \(r + 1), column '\(responseName)': expected \(expected) for a \(likelihood.rawValue) response, found \(v)")
            }
            y[r] = v
        }
        // Covariates, standardised: centred, divided by their sd (n − 1).
        let p = columns.count + (intercept ? 1 : 0)
        var x = [Double](repeating: 0, count: n * p)
        for (k, c) in columns.enumerated() {
            var values = (0..<n).map { csv[$0, c] }
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw .badFile(path: dataPath, "row \(bad + 1), column '\(covariates[k])': expected a finite number, found \(values[bad])")
            }
            if standardize {
                let mean = values.reduce(0, +) / Double(n)
                let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)).squareRoot()
                guard sd > 0 else {
                    throw .badFile(path: dataPath, "column '\(covariates[k])' is constant (sd 0) and cannot be standardised; leave it out of covariates or set standardize = false")
                }
                values = values.map { ($0 - mean) / sd }
            }
            let j = k + (intercept ? 1 : 0)
            for r in 0..<n { x[r * p + j] = values[r] }
        }
        if intercept { for r in 0..<n { x[r * p] = 1 } }
        let names = (intercept ? ["intercept"] : []) + covariates
        if let problem = NamedTarget.problem(withNames: names, dimension: p) {
            throw f.error("covariates", "the parameters cannot be named after the columns: \(problem)")
        }
        let prior: RegressionTarget.Prior = kind == "laplace" ? .laplace(scale: scale) : .normal(scale: scale)
        let fields = ["interceptScale": "prior.intercept_scale", "noiseSD": "noise_sd", "prior": "prior.scale"]
        let model = try TargetFile.inFile(f, fields: fields) { () throws(SampoError) in
            try RegressionTarget(design: x, response: y, names: names, likelihood: likelihood, prior: prior,
                                 intercept: intercept, interceptScale: interceptScale, noiseSD: noiseSD)
        }
        if let penalty = model.slopePenalty { return CompositeTarget(smooth: model, nonsmooth: penalty) }
        return model
    }
}
