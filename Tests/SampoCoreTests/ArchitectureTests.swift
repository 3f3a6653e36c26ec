import Foundation
import XCTest
import SampoTestSupport

/// The layout the design relies on, read from the sources: the folders of `SampoCore` (and the
/// sampler families inside `Samplers`) depend on each other without a cycle, every file is named
/// after what it declares, and the architecture document points at nothing outside the repository.
final class ArchitectureTests: XCTestCase {
    private let sources = TestSupport.root.appendingPathComponent("Sources")

    private func swiftFiles(under dir: URL) throws -> [URL] {
        guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return [] }
        return e.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }.sorted { $0.path < $1.path }
    }

    /// Top-level type names declared in a file (nested types are not folder-level names).
    private func declarations(_ text: String) -> [String] {
        let pattern = #"(?m)^(?:public |package |@usableFromInline |final |indirect )*(?:struct|class|enum|protocol|actor|typealias) +([A-Z]\w*)"#
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    /// Folder → folders whose top-level types its files mention (comments left out).
    private func folderGraph(_ root: URL) throws -> [String: Set<String>] {
        let files = try swiftFiles(under: root)
        func folder(_ f: URL) -> String {
            let rel = f.path.dropFirst(root.path.count + 1).split(separator: "/")
            return rel.count > 1 ? String(rel[0]) : "."
        }
        var owner: [String: String] = [:]
        var texts: [(String, String)] = []
        for f in files {
            let text = try String(contentsOf: f, encoding: .utf8)
            for name in declarations(text) where owner[name] == nil { owner[name] = folder(f) }
            let code = text.split(separator: "\n").map { $0.components(separatedBy: "//")[0] }.joined(separator: "\n")
            texts.append((folder(f), code))
        }
        var edges: [String: Set<String>] = [:]
        let words = try NSRegularExpression(pattern: #"\b[A-Z]\w*\b"#)
        for (from, code) in texts {
            for m in words.matches(in: code, range: NSRange(code.startIndex..., in: code)) {
                guard let r = Range(m.range, in: code), let to = owner[String(code[r])], to != from else { continue }
                edges[from, default: []].insert(to)
            }
        }
        return edges
    }

    /// A cycle of the graph, if any (depth-first search).
    private func cycle(_ edges: [String: Set<String>]) -> [String]? {
        var state: [String: Int] = [:], path: [String] = []
        func visit(_ v: String) -> [String]? {
            state[v] = 1; path.append(v)
            for w in (edges[v] ?? []).sorted() {
                if state[w] == 1 { return Array(path[(path.firstIndex(of: w) ?? 0)...]) + [w] }
                if state[w] == nil, let c = visit(w) { return c }
            }
            state[v] = 2; path.removeLast()
            return nil
        }
        for v in edges.keys.sorted() where state[v] == nil { if let c = visit(v) { return c } }
        return nil
    }

    func testFoldersFormNoCycle() throws {
        for dir in ["SampoCore", "SampoCore/Samplers"] {
            let graph = try folderGraph(sources.appendingPathComponent(dir))
            XCTAssertFalse(graph.isEmpty, dir)
            XCTAssertNil(cycle(graph), "\(dir): folders depend on each other in a cycle")
        }
    }

    /// `Name.swift` declares `Name` (or a function `name`); `Type+Topic.swift` extends `Type`.
    func testFilesAreNamedAfterWhatTheyDeclare() throws {
        var misnamed: [String] = []
        for f in try swiftFiles(under: sources) {
            let base = f.deletingPathExtension().lastPathComponent
            let text = try String(contentsOf: f, encoding: .utf8)
            let name = base.split(separator: "+").first.map(String.init) ?? base
            let declared = base.contains("+")
                ? text.contains("extension \(name)")
                : declarations(text).contains(name) || text.contains("extension \(name)")
                    || text.range(of: "func \(name.prefix(1).lowercased() + name.dropFirst())(", options: []) != nil
            let exempt = ["Exports", "SampoCommand"].contains(base)   // re-exports; the @main command and its helpers
            if !declared && !exempt { misnamed.append(f.path.replacingOccurrences(of: sources.path + "/", with: "")) }
        }
        XCTAssertEqual(misnamed, [], "files not named after what they declare")
    }

    func testArchitectureDocumentIsSelfContained() throws {
        let doc = try String(contentsOf: TestSupport.root.appendingPathComponent("docs/ARCHITECTURE.md"), encoding: .utf8)
        for outside in ["../shared", "DESIGN.md", "ALGORITHMS.md"] {
            XCTAssertFalse(doc.contains(outside), "docs/ARCHITECTURE.md points outside the repository: \(outside)")
        }
        // Every source path it names exists.
        let regex = try NSRegularExpression(pattern: #"`(Sources/[^`]+\.swift)`"#)
        for m in regex.matches(in: doc, range: NSRange(doc.startIndex..., in: doc)) {
            guard let r = Range(m.range(at: 1), in: doc) else { continue }
            let path = String(doc[r])
            if path.contains("<") { continue }   // a pattern such as Samplers/<Family>/<Name>.swift
            XCTAssertTrue(FileManager.default.fileExists(atPath: TestSupport.root.appendingPathComponent(path).path), path)
        }
    }
}
