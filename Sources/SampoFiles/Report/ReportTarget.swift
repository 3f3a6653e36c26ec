import Foundation
import SampoCore

/// What a report compares a run with: the target's density (contours of a 2-D target, image
/// panels of an image posterior) and gold-standard reference draws (a posteriordb posterior).
/// A posteriordb posterior or a `.stan` file is not compiled for a report: only its reference
/// draws are read.
public struct ReportTarget: Sendable {
    public var name: String
    public var target: NamedTarget?
    public var referenceDraws: (@Sendable () throws(SampoError) -> [[String: [Double]]])?

    public init(name: String, target: NamedTarget?, referenceDraws: (@Sendable () throws(SampoError) -> [[String: [Double]]])?) {
        self.name = name; self.target = target; self.referenceDraws = referenceDraws
    }

    public static func load(_ nameOrPath: String, posteriordb: String? = nil) throws(SampoError) -> ReportTarget {
        if nameOrPath.hasPrefix("posteriordb:") {
            let db = try PosteriorDB.locate(posteriordb)
            let posterior = try db.posterior(String(nameOrPath.dropFirst("posteriordb:".count)))
            var draws: (@Sendable () throws(SampoError) -> [[String: [Double]]])?
            if posterior.referencePath != nil {
                draws = { @Sendable () throws(SampoError) -> [[String: [Double]]] in try db.referenceDraws(posterior) }
            }
            return ReportTarget(name: nameOrPath, target: nil, referenceDraws: draws)
        }
        if nameOrPath.hasSuffix(".stan") { return ReportTarget(name: nameOrPath, target: nil, referenceDraws: nil) }
        let target = try TargetFile.load(nameOrPath, posteriordb: posteriordb)
        return ReportTarget(name: nameOrPath, target: target, referenceDraws: target.referenceDraws)
    }
}
