import CZlib
import Foundation
import SampoCore

/// The members of a zip archive (posteriordb stores its data and reference draws as `.json.zip`),
/// read with zlib: the central directory names each member, stored or deflated, and each member's
/// CRC-32 is checked. Zip64 and encrypted archives are refused with a message.
public struct ZipArchive {
    public let path: String
    private let bytes: Data
    /// Member name → (offset of its local header, compressed size, size, method, CRC-32).
    private var members: [String: (offset: Int, compressed: Int, size: Int, method: UInt16, crc: UInt32)] = [:]
    public var names: [String] { members.keys.sorted() }

    public init(path: String) throws(SampoError) {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else { throw .badFile(path: path, "cannot read the zip archive") }
        bytes = data
        // The end-of-central-directory record: the last "PK\u{5}\u{6}" within 64 kB of the end.
        let n = data.count
        guard n >= 22 else { throw .badFile(path: path, "not a zip archive (too short)") }
        var eocd = -1
        var i = n - 22
        while i >= max(0, n - 22 - 65_535) {
            if u32(i) == 0x0605_4b50 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw .badFile(path: path, "not a zip archive (no end of central directory)") }
        let count = Int(u16(eocd + 10)), start = Int(u32(eocd + 16))
        guard count != 0xFFFF, start != 0xFFFF_FFFF else { throw .badFile(path: path, "zip64 archives are not supported") }
        var p = start
        for _ in 0..<count {
            guard p + 46 <= n, u32(p) == 0x0201_4b50 else { throw .badFile(path: path, "corrupt zip central directory") }
            let flags = u16(p + 8), method = u16(p + 10), crc = u32(p + 16)
            let compressed = Int(u32(p + 20)), size = Int(u32(p + 24))
            let nameLength = Int(u16(p + 28)), extra = Int(u16(p + 30)), comment = Int(u16(p + 32))
            let offset = Int(u32(p + 42))
            guard p + 46 + nameLength <= n else { throw .badFile(path: path, "corrupt zip central directory") }
            let name = String(decoding: data[(data.startIndex + p + 46)..<(data.startIndex + p + 46 + nameLength)], as: UTF8.self)
            guard flags & 1 == 0 else { throw .badFile(path: path, "\(name): encrypted zip members are not supported") }
            members[name] = (offset, compressed, size, method, crc)
            p += 46 + nameLength + extra + comment
        }
    }

    /// A member's bytes (stored or deflated), checked against its CRC-32.
    public func data(_ name: String) throws(SampoError) -> Data {
        guard let m = members[name] else {
            throw .badFile(path: path, "no member '\(name)' (members: \(names.joined(separator: ", ")))")
        }
        guard m.offset + 30 <= bytes.count, u32(m.offset) == 0x0403_4b50 else { throw .badFile(path: path, "\(name): corrupt local header") }
        let begin = m.offset + 30 + Int(u16(m.offset + 26)) + Int(u16(m.offset + 28))
        guard begin + m.compressed <= bytes.count else { throw .badFile(path: path, "\(name): truncated") }
        let raw = bytes[(bytes.startIndex + begin)..<(bytes.startIndex + begin + m.compressed)]
        var out: Data
        switch m.method {
        case 0: out = Data(raw)
        case 8: out = try inflate(Data(raw), size: m.size, name: name)
        default: throw .badFile(path: path, "\(name): compression method \(m.method) is not supported (stored or deflated only)")
        }
        let crc = out.withUnsafeBytes { UInt32(crc32(0, $0.bindMemory(to: Bytef.self).baseAddress, uInt($0.count))) }
        guard crc == m.crc else { throw .badFile(path: path, "\(name): CRC-32 mismatch (the archive is damaged)") }
        return out
    }

    /// The only member, or the one named `name`, as UTF-8 text.
    public func text(_ name: String? = nil) throws(SampoError) -> String {
        let member = name ?? (members.count == 1 ? members.keys.first : nil) ?? ""
        return String(decoding: try data(member), as: UTF8.self)
    }

    private func inflate(_ input: Data, size: Int, name: String) throws(SampoError) -> Data {
        var out = Data(count: size)
        var stream = z_stream()
        let status: Int32 = input.withUnsafeBytes { inp in
            out.withUnsafeMutableBytes { outp in
                stream.next_in = UnsafeMutablePointer(mutating: inp.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(inp.count)
                stream.next_out = outp.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(outp.count)
                // Negative window bits: a raw deflate stream, as zip stores it.
                guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return Z_MEM_ERROR }
                let r = CZlib.inflate(&stream, Z_FINISH)
                inflateEnd(&stream)
                return r
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == size else {
            throw .badFile(path: path, "\(name): cannot inflate (zlib status \(status))")
        }
        return out
    }

    private func u16(_ i: Int) -> UInt16 { UInt16(bytes[bytes.startIndex + i]) | UInt16(bytes[bytes.startIndex + i + 1]) << 8 }
    private func u32(_ i: Int) -> UInt32 { UInt32(u16(i)) | UInt32(u16(i + 2)) << 16 }
}
