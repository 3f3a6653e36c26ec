import SampoCore
import Foundation

/// Portable graymap images (P2 text, P5 binary; maxval up to 65535, binary samples big-endian
/// when above 255), read as row-major intensities scaled to [0, 1]. Errors name the file and what was
/// expected.
public enum PGMFile {
    public struct Image: Sendable, Equatable {
        public var rows: Int
        public var cols: Int
        public var pixels: [Double]
    }

    /// `checkSize(rows, cols)` runs after the header, before the pixels are allocated.
    public static func read(_ path: String,
                            checkSize: (Int, Int) throws(SampoError) -> Void = { _, _ in }) throws(SampoError) -> Image {
        try parse(Array(try TextFile.bytes(path, binary: true)), path: path, checkSize: checkSize)
    }

    public static func parse(_ bytes: [UInt8], path: String,
                             checkSize: (Int, Int) throws(SampoError) -> Void = { _, _ in }) throws(SampoError) -> Image {
        var i = 0
        /// The next whitespace-separated token of the header, skipping # comments.
        func token() throws(SampoError) -> String {
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "#") { while i < bytes.count && bytes[i] != 10 { i += 1 } }
                else if bytes[i] == 32 || (9...13).contains(bytes[i]) { i += 1 }
                else { break }
            }
            let start = i
            while i < bytes.count && !(bytes[i] == 32 || (9...13).contains(bytes[i])) && i - start < 20 { i += 1 }
            guard i > start else { throw .badFile(path: path, "PGM ends early: expected a header field") }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }
        func number(_ what: String, max limit: Int) throws(SampoError) -> Int {
            let t = try token()
            guard let v = Int(t), v >= 1, v <= limit else { throw .badFile(path: path, "PGM \(what): expected a whole number in 1…\(limit), found '\(t)'") }
            return v
        }
        let magic = try token()
        guard magic == "P2" || magic == "P5" else { throw .badFile(path: path, "not a PGM image: expected P2 or P5, found '\(magic.prefix(8))'") }
        let cols = try number("width", max: 8192), rows = try number("height", max: 8192), maxval = try number("maxval", max: 65535)
        try checkSize(rows, cols)
        var pixels = [Double](repeating: 0, count: rows * cols)
        if magic == "P2" {
            for k in 0..<(rows * cols) {
                let t = try token()
                guard let v = Int(t), v >= 0, v <= maxval else { throw .badFile(path: path, "PGM pixel \(k + 1): expected a whole number in 0…\(maxval), found '\(t)'") }
                pixels[k] = Double(v) / Double(maxval)
            }
        } else {
            i += 1   // the single whitespace byte after maxval
            let width = maxval > 255 ? 2 : 1
            guard bytes.count - i >= rows * cols * width else {
                throw .badFile(path: path, "PGM data is short: expected \(rows * cols * width) bytes for \(cols) × \(rows), found \(max(0, bytes.count - i))")
            }
            for k in 0..<(rows * cols) {
                let v = width == 1 ? Int(bytes[i + k]) : Int(bytes[i + 2 * k]) << 8 | Int(bytes[i + 2 * k + 1])
                guard v <= maxval else { throw .badFile(path: path, "PGM pixel \(k + 1): \(v) exceeds maxval \(maxval)") }
                pixels[k] = Double(v) / Double(maxval)
            }
        }
        return Image(rows: rows, cols: cols, pixels: pixels)
    }
}
