import CZlib
import Foundation
import XCTest

/// Headless Chromium for the report tests: opens a page from disk, runs a check script in it after
/// the page's own script, and reads back what it found (from the DOM Chromium dumps); takes
/// screenshots and tells a blank one from a drawn one.
package struct HeadlessBrowser {
    package let executable: String

    /// Debian's `chromium` (installed by `make setup` for these tests); the test is skipped, with
    /// how to get it, when there is none.
    package static func locate() throws -> HeadlessBrowser {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            for name in ["chromium", "chromium-browser", "google-chrome"] {
                let candidate = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return HeadlessBrowser(executable: candidate) }
            }
        }
        throw XCTSkip("no chromium on PATH: the browser test needs Debian's chromium (`make setup` installs it)")
    }

    /// Runs Chromium headless (as root it needs --no-sandbox); returns stdout and stderr.
    func run(_ arguments: [String], workingIn dir: URL) throws -> (out: String, err: String) {
        let r = try TestSupport.run(executable, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                                                 "--user-data-dir=\(dir.appendingPathComponent("chromium-profile").path)",
                                                 "--enable-logging=stderr", "--v=0"] + arguments, in: dir)
        return (r.out, r.err)
    }

    /// Opens a copy of `page` with `check` (JavaScript that returns a JSON-able object) run after
    /// the page's own scripts, and errors of the page (uncaught exceptions, console.error) recorded
    /// from its first line; returns the object and those errors, with Chromium's stderr.
    package func inspect(_ page: URL, check: String) throws -> (result: [String: Any], pageErrors: [String], log: String) {
        let dir = page.deletingLastPathComponent()
        var html = try String(contentsOf: page, encoding: .utf8)
        let hook = "<script>window.__errors=[];window.addEventListener('error',function(e){__errors.push(String(e.message))});"
            + "(function(){var f=console.error;console.error=function(){__errors.push(Array.prototype.join.call(arguments,' '));f.apply(console,arguments)}})();</script>"
        guard let head = html.range(of: "<head>"), let end = html.range(of: "</body>", options: .backwards) else {
            throw NSError(domain: "HeadlessBrowser", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(page.path): no <head> or </body>"])
        }
        html.replaceSubrange(end, with: "<script>(function(){var r;try{r=(function(){\(check)})()}catch(e){r={checkFailed:String(e)}}"
            + "r.pageErrors=window.__errors;var pre=document.createElement('pre');pre.id='sampo-test-result';"
            + "pre.textContent=JSON.stringify(r);document.body.appendChild(pre)})();</script></body>")
        html.replaceSubrange(head, with: "<head>" + hook)
        let copy = dir.appendingPathComponent("inspected-" + page.lastPathComponent)
        try html.write(to: copy, atomically: true, encoding: .utf8)
        let (dom, log) = try run(["--dump-dom", copy.absoluteString], workingIn: dir)
        guard let start = dom.range(of: "<pre id=\"sampo-test-result\">"),
              let stop = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else {
            throw NSError(domain: "HeadlessBrowser", code: 2, userInfo: [NSLocalizedDescriptionKey: "no result in the DOM; chromium said: \(log.suffix(2000))"])
        }
        let json = String(dom[start.upperBound..<stop.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw NSError(domain: "HeadlessBrowser", code: 3, userInfo: [NSLocalizedDescriptionKey: "result is not an object: \(json.prefix(300))"])
        }
        return (object, object["pageErrors"] as? [String] ?? ["(no error record)"], log)
    }

    /// A PNG screenshot of `page` at the given window size.
    package func screenshot(_ page: URL, width: Int = 1280, height: Int = 1600) throws -> Data {
        let dir = page.deletingLastPathComponent()
        let file = dir.appendingPathComponent("screenshot-\(page.deletingPathExtension().lastPathComponent).png")
        try? FileManager.default.removeItem(at: file)
        let (_, log) = try run(["--screenshot=\(file.path)", "--window-size=\(width),\(height)", "--hide-scrollbars", page.absoluteString], workingIn: dir)
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw NSError(domain: "HeadlessBrowser", code: 4, userInfo: [NSLocalizedDescriptionKey: "no screenshot; chromium said: \(log.suffix(2000))"])
        }
        return data
    }

    /// The pixels of an 8-bit RGB or RGBA PNG (Chromium's screenshots) as (distinct colours, fraction
    /// of pixels that are not white).
    package static func pixelStatistics(png: Data) throws -> (colours: Int, nonWhite: Double) {
        let b = [UInt8](png)
        func u32(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
        func fail(_ why: String) -> NSError { NSError(domain: "PNG", code: 1, userInfo: [NSLocalizedDescriptionKey: why]) }
        guard b.count > 33, b[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { throw fail("not a PNG") }
        var width = 0, height = 0, channels = 0
        var idat: [UInt8] = []
        var i = 8
        while i + 8 <= b.count {
            let length = u32(i), type = String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self)
            guard i + 12 + length <= b.count else { throw fail("truncated chunk \(type)") }
            let data = Array(b[(i + 8)..<(i + 8 + length)])
            if type == "IHDR" {
                width = Int(data[0]) << 24 | Int(data[1]) << 16 | Int(data[2]) << 8 | Int(data[3])
                height = Int(data[4]) << 24 | Int(data[5]) << 16 | Int(data[6]) << 8 | Int(data[7])
                guard data[8] == 8, data[9] == 2 || data[9] == 6, data[12] == 0 else { throw fail("not an 8-bit non-interlaced RGB(A) PNG") }
                channels = data[9] == 6 ? 4 : 3
            } else if type == "IDAT" { idat += data } else if type == "IEND" { break }
            i += 12 + length
        }
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: (stride + 1) * height)
        var size = uLongf(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { out in
            idat.withUnsafeBufferPointer { input in uncompress(out.baseAddress, &size, input.baseAddress, uLong(input.count)) }
        }
        guard status == Z_OK, Int(size) == raw.count else { throw fail("cannot inflate (zlib \(status))") }
        // Undo the per-row filters (PNG spec §9).
        var pixels = [UInt8](repeating: 0, count: stride * height)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            for x in 0..<stride {
                let v = Int(raw[y * (stride + 1) + 1 + x])
                let a = x >= channels ? Int(pixels[y * stride + x - channels]) : 0
                let up = y > 0 ? Int(pixels[(y - 1) * stride + x]) : 0
                let c = x >= channels && y > 0 ? Int(pixels[(y - 1) * stride + x - channels]) : 0
                let predicted: Int
                switch filter {
                case 0: predicted = 0
                case 1: predicted = a
                case 2: predicted = up
                case 3: predicted = (a + up) / 2
                case 4:
                    let p = a + up - c, pa = abs(p - a), pb = abs(p - up), pc = abs(p - c)
                    predicted = pa <= pb && pa <= pc ? a : (pb <= pc ? up : c)
                default: throw fail("unknown filter \(filter) in row \(y)")
                }
                pixels[y * stride + x] = UInt8((v + predicted) & 0xFF)
            }
        }
        var colours = Set<UInt32>(), nonWhite = 0
        for p in 0..<(width * height) {
            let r = pixels[p * channels], g = pixels[p * channels + 1], bl = pixels[p * channels + 2]
            colours.insert(UInt32(r) << 16 | UInt32(g) << 8 | UInt32(bl))
            if r < 250 || g < 250 || bl < 250 { nonWhite += 1 }
        }
        return (colours.count, Double(nonWhite) / Double(max(1, width * height)))
    }
}
