import Foundation
import XCTest
import Sampo
import SampoTestSupport

/// The checkpoint container and state record (issue 29 §1, §4): what is written reads back the
/// same; a truncated, corrupt, foreign-format, other-version or changed-target checkpoint is refused
/// with a message saying which — at every length and every flipped byte, never a crash.
final class CheckpointTests: XCTestCase {
    private func scratch(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sampo-ckpt-\(getpid())-\(name)").path
    }

    func testARandomStreamContinuesFromItsState() throws {
        let a = RandomStream(seed: 7, stream: 3)
        for _ in 0..<1_001 { _ = a.normal() }          // an odd count: the state is mid-block
        var w = CheckpointWriter()
        a.writeState(to: &w)
        let next = (0..<50).map { _ in a.normal() } + (0..<50).map { _ in a.uniform() }
        let b = RandomStream(seed: 99)
        var r = CheckpointReader(w.bytes)
        try b.readState(from: &r)
        XCTAssertTrue(r.isAtEnd)
        XCTAssertEqual((0..<50).map { _ in b.normal() } + (0..<50).map { _ in b.uniform() }, next)
    }

    func testARecordReadsBackAndRefusesAnotherLayout() throws {
        var w = CheckpointWriter()
        w.section("chain")
        w.write(42); w.write(-1.5e-300); w.write(true); w.write([1.0, .infinity, -0.0]); w.write([3, -4]); w.write("π ≈ 3")
        var r = CheckpointReader(w.bytes)
        try r.section("chain")
        XCTAssertEqual(try r.readInt(), 42)
        XCTAssertEqual(try r.readDouble(), -1.5e-300)
        XCTAssertEqual(try r.readBool(), true)
        let d = try r.readDoubles()
        XCTAssertEqual(d.map(\.bitPattern), [1.0, .infinity, -0.0].map(\.bitPattern))
        XCTAssertEqual(try r.readInts(), [3, -4])
        XCTAssertEqual(try r.readString(), "π ≈ 3")
        XCTAssertTrue(r.isAtEnd)
        var other = CheckpointReader(w.bytes)
        XCTAssertThrowsError(try other.section("kernel")) { XCTAssertTrue("\($0)".contains("expected section 'kernel', found '§chain'"), "\($0)") }
        // Every truncation of the record is an error, never a crash or an absurd allocation.
        for n in 0..<w.bytes.count {
            var cut = CheckpointReader(Array(w.bytes.prefix(n)))
            XCTAssertThrowsError(try { try cut.section("chain"); _ = try cut.readInt(); _ = try cut.readDouble(); _ = try cut.readBool()
                _ = try cut.readDoubles(); _ = try cut.readInts(); _ = try cut.readString() }(), "prefix \(n)")
        }
    }

    func testTheContainerRefusesWhatIsNotWholeOrNotOurs() throws {
        let target = scratch("target.toml"), path = scratch("run.ckpt")
        defer { for p in [target, path] { try? FileManager.default.removeItem(atPath: p) } }
        try "family = \"expression\"\ndimension = 1\nenergy = \"x[1]^2\"\n".write(toFile: target, atomically: true, encoding: .utf8)
        let hash = try CheckpointFile.hash(ofFile: target)
        let header = CheckpointFile.Header(command: "sample", settings: ["seed": "1", "steps": "1000"], target: target, targetHash: hash)
        let state: [UInt8] = (0..<300).map { UInt8(truncatingIfNeeded: $0 * 7) }
        try CheckpointFile.write(header: header, state: state, to: path)
        let (h, s) = try CheckpointFile.read(path)
        XCTAssertEqual(h, header)
        XCTAssertEqual(s, state)
        try CheckpointFile.checkTarget(h, currentHash: hash, path: path)

        let bytes = try CheckpointFile.encode(header: header, state: state)
        for n in 0..<bytes.count {
            XCTAssertThrowsError(try CheckpointFile.decode(Array(bytes.prefix(n)), path: "c.ckpt")) {
                let text = "\($0)"
                XCTAssertTrue(text.contains("truncated") || text.contains("not a Sampo checkpoint"), "prefix \(n): \(text)")
            }
        }
        for k in stride(from: 0, to: bytes.count, by: 5) {
            var flipped = bytes
            flipped[k] ^= 0x10
            XCTAssertThrowsError(try CheckpointFile.decode(flipped, path: "c.ckpt"), "byte \(k)")
        }
        // Another format, another Sampo version: refused by name even with a valid checksum.
        var foreign = try CheckpointFile.encode(header: header, state: state)
        foreign[CheckpointFile.opening.count] = 2
        foreign = Array(foreign.dropLast(8))
        var crc = CheckpointWriter()
        crc.write(UInt64(CheckpointFileTestCRC.crc(foreign)))
        XCTAssertThrowsError(try CheckpointFile.decode(foreign + crc.bytes, path: "c.ckpt")) {
            XCTAssertTrue("\($0)".contains("checkpoint format 2; this Sampo reads format 1"), "\($0)")
        }
        var old = header
        old.sampoVersion = "0.1.0"
        XCTAssertThrowsError(try CheckpointFile.decode(try CheckpointFile.encode(header: old, state: state), path: "c.ckpt")) {
            XCTAssertTrue("\($0)".contains("written by Sampo 0.1.0; this is Sampo \(SampoVersion.current)"), "\($0)")
        }
        // The target file changed since: refused.
        try "family = \"expression\"\ndimension = 1\nenergy = \"x[1]^4\"\n".write(toFile: target, atomically: true, encoding: .utf8)
        let changed = try CheckpointFile.hash(ofFile: target)
        XCTAssertNotEqual(changed, hash)
        XCTAssertThrowsError(try CheckpointFile.checkTarget(h, currentHash: changed, path: path)) {
            XCTAssertTrue("\($0)".contains("changed since the checkpoint was taken"), "\($0)")
        }
        XCTAssertThrowsError(try CheckpointFile.decode(Array("chain,draw,x1\n".utf8), path: "draws.csv")) {
            XCTAssertTrue("\($0)".contains("draws.csv: not a Sampo checkpoint"), "\($0)")
        }
    }
}

/// CRC-32 (IEEE, zlib's), to forge a checkpoint with a valid checksum and a foreign format number.
enum CheckpointFileTestCRC {
    static func crc(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c >> 1) ^ (c & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        return ~c
    }
}
