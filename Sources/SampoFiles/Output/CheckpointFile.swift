import CZlib
import Foundation
import SampoCore

/// The container of a run's checkpoint: a fixed opening line, the format version, a header naming
/// the Sampo version, command, settings and target (with a hash of its file), the state record
/// (``/SampoCore/CheckpointWriter``), and a CRC-32 of all of it. It is written durably (temporary file, fsync,
/// rename), so a reader sees the previous checkpoint or this one, never a mix; a truncated or
/// corrupt file, another format or Sampo version, or a target that changed is refused with a
/// message that says which.
public enum CheckpointFile {
    public static let opening = Array("SAMPO CHECKPOINT\n".utf8)
    public static let formatVersion = 1

    public struct Header: Codable, Equatable, Sendable {
        public var sampoVersion: String
        public var command: String
        public var settings: [String: String]
        public var target: String
        /// ``hash(ofFile:)`` of the target's file (empty for shipped and in-memory targets).
        public var targetHash: String

        public init(command: String, settings: [String: String], target: String, targetHash: String,
                    sampoVersion: String = SampoVersion.current) {
            self.sampoVersion = sampoVersion; self.command = command; self.settings = settings
            self.target = target; self.targetHash = targetHash
        }

        enum CodingKeys: String, CodingKey {
            case sampoVersion = "sampo_version", command, settings, target, targetHash = "target_hash"
        }
    }

    /// The bytes of a checkpoint.
    public static func encode(header: Header, state: [UInt8]) throws(SampoError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json: Data
        do { json = try encoder.encode(header) } catch { throw .runtime("checkpoint: cannot encode its header (\(error))") }
        var w = CheckpointWriter()
        w.write(formatVersion)
        w.write(bytes: Array(json))
        w.write(bytes: state)
        var out = opening + w.bytes
        let crc = crc32(0, out, uInt(out.count))
        var tail = CheckpointWriter()
        tail.write(UInt64(crc))
        out += tail.bytes
        return out
    }

    public static func write(header: Header, state: [UInt8], to path: String) throws(SampoError) {
        try AtomicFile.write(Data(try encode(header: header, state: state)), to: path, durable: true)
    }

    /// Reads a checkpoint; refuses one that is not whole, not this format or not this Sampo's.
    public static func decode(_ bytes: [UInt8], path: String) throws(SampoError) -> (header: Header, state: [UInt8]) {
        guard bytes.count >= opening.count, Array(bytes.prefix(opening.count)) == opening else {
            throw .badFile(path: path, "not a Sampo checkpoint (it does not start with 'SAMPO CHECKPOINT')")
        }
        guard bytes.count >= opening.count + 8 + 8 else {
            throw .badFile(path: path, "the checkpoint is truncated (\(bytes.count) bytes)")
        }
        let body = Array(bytes.dropLast(8))
        var tail = CheckpointReader(Array(bytes.suffix(8)))
        let stored = try tail.readUInt64()
        guard UInt64(crc32(0, body, uInt(body.count))) == stored else {
            throw .badFile(path: path, "the checkpoint is truncated or corrupt (its checksum does not match); resume from an earlier one or start again")
        }
        var r = CheckpointReader(Array(body.dropFirst(opening.count)))
        let header: Header, state: [UInt8]
        do {
            let version = try r.readInt()
            guard version == formatVersion else {
                throw SampoError.badFile(path: path, "checkpoint format \(version); this Sampo reads format \(formatVersion)")
            }
            header = try JSONDecoder().decode(Header.self, from: Data(try r.readBytes()))
            state = try r.readBytes()
        } catch let e as SampoError {
            throw e
        } catch {
            throw .badFile(path: path, "the checkpoint's header cannot be read (\(error))")
        }
        guard header.sampoVersion == SampoVersion.current else {
            throw .badFile(path: path, "written by Sampo \(header.sampoVersion); this is Sampo \(SampoVersion.current), whose samplers may step "
                           + "differently: resume with Sampo \(header.sampoVersion), or start again")
        }
        return (header, state)
    }

    public static func read(_ path: String) throws(SampoError) -> (header: Header, state: [UInt8]) {
        try decode(Array(try TextFile.bytes(path, binary: true)), path: path)
    }

    /// Refuses a checkpoint whose target file changed since it was taken.
    public static func checkTarget(_ header: Header, currentHash: String, path: String) throws(SampoError) {
        guard header.targetHash == currentHash else {
            throw .badFile(path: path, "the target '\(header.target)' changed since the checkpoint was taken (file hash \(header.targetHash), now "
                           + "\(currentHash.isEmpty ? "none" : currentHash)); resuming would mix two targets — start again")
        }
    }

    /// CRC-32 and length of a file, as hex: enough to tell a target file that changed.
    public static func hash(ofFile path: String) throws(SampoError) -> String {
        let bytes = try TextFile.bytes(path, binary: true)
        let crc = bytes.withUnsafeBytes { crc32(0, $0.bindMemory(to: Bytef.self).baseAddress, uInt($0.count)) }
        return String(format: "crc32:%08x:%d", UInt32(crc), bytes.count)
    }
}
