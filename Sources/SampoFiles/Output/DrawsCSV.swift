import SampoCore
import Foundation

/// Sampo's draws CSV: `#` metadata lines, then `chain,draw,x1,...,xd`, chains and draws numbered
/// from 1, numbers in shortest round-trip form (parsing them back gives the same doubles).
public enum DrawsCSV {
    /// The CSV text. `metadata` lines are written as `# key: value`, in the given order.
    public static func render(_ draws: Draws, metadata: [(String, String)] = []) -> String {
        var out = ""
        out.reserveCapacity(draws.values.count * 20 + 256)
        for (k, v) in metadata { out += "# \(k): \(v)\n" }
        out += "chain,draw"
        for j in 0..<draws.dimension { out += ",x\(j + 1)" }
        out += "\n"
        for c in 0..<draws.chains {
            for i in 0..<draws.recorded[c] {
                out += "\(c + 1),\(i + 1)"
                let base = (c * draws.capacity + i) * draws.dimension
                for j in 0..<draws.dimension { out += ",\(format(draws.values[base + j]))" }
                out += "\n"
            }
        }
        return out
    }

    /// Shortest representation that parses back to the same double.
    @inlinable
    public static func format(_ x: Double) -> String { x.description }

    public static func write(_ draws: Draws, to path: String, metadata: [(String, String)] = []) throws(SampoError) {
        try AtomicFile.write(render(draws, metadata: metadata), to: path)
    }
}
