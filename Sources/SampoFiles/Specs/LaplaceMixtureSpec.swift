import SampoCore
import Foundation

/// `family = "laplace-mixture"`: weights, locations, rates (one α per component).
enum LaplaceMixtureSpec {
    static let keys: Set<String> = ["name", "description", "family", "dimension", "weights", "locations", "rates",
                                    "reference"]

    static func build(_ f: TOMLFields, notes: inout [String]) throws(SampoError) -> LaplaceMixture {
        try f.rejectUnknownKeys(allowed: keys)
        let weights = try f.vector("weights"), locations = try f.vectors("locations"), rates = try f.vector("rates")
        let mixture = try TargetFile.inFile(f) { () throws(SampoError) in
            try LaplaceMixture(weights: weights, locations: locations, rates: rates)
        }
        let total = weights.reduce(0, +)
        if abs(total - 1) > 1e-12 { notes.append("\(f.file): weights sum to \(total); normalised to 1") }
        return mixture
    }
}
