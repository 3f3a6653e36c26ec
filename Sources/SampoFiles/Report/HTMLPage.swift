import Foundation
import SampoCore

/// One self-contained HTML page: a header of facts, the warnings panel first, then sections of
/// text, tables and inline SVG figures. Styles and the one small script (sortable tables) are
/// inline and nothing is fetched, so the file opens from disk, offline, and can be mailed.
public struct HTMLPage: Sendable {
    /// Something that may make a result wrong, linking to the row, cell or parameter it is about.
    public struct Warning: Sendable, Equatable {
        public var message: String
        /// The id of the element it is about (without '#').
        public var anchor: String
        public init(message: String, anchor: String) { self.message = message; self.anchor = anchor }
    }

    public var title: String
    /// Header lines: what was run, with which version, where and when.
    public var facts: [(String, String)] = []
    public var warnings: [Warning] = []
    /// Notes about the inputs (columns an older file lacks, runs a folder misses), shown under the warnings.
    public var notes: [String] = []
    /// Sections as (id, heading, HTML), listed in the contents.
    public private(set) var sections: [(id: String, heading: String, html: String)] = []
    private var figureCount = 0

    public init(title: String) { self.title = title }

    /// Warnings listed before the rest are folded away.
    static let warningsShown = 15

    public mutating func addSection(id: String, heading: String, html: String) { sections.append((id, heading, html)) }

    /// Text for HTML content and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// An id made of letters, digits, '-' and '_' from any text.
    public static func slug(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
    }

    /// A figure: gnuplot's SVG inlined with its ids made unique in the page (each figure defines
    /// the same point shapes), `alt` as the SVG's title and accessible name, and a caption.
    public mutating func figure(svg: String, alt: String, caption: String) -> String {
        figureCount += 1
        let prefix = "f\(figureCount)-"
        let s0 = svg.replacingOccurrences(of: "id='", with: "id='\(prefix)")
            .replacingOccurrences(of: "id=\"", with: "id=\"\(prefix)")
            .replacingOccurrences(of: "href='#", with: "href='#\(prefix)")
            .replacingOccurrences(of: "href=\"#", with: "href=\"#\(prefix)")
            .replacingOccurrences(of: "url(#", with: "url(#\(prefix)")
            .replacingOccurrences(of: "<title>Gnuplot</title>", with: "<title>\(Self.escape(alt))</title>")
        var s = s0
        if let open = s.range(of: "<svg") {
            s.replaceSubrange(open, with: "<svg role=\"img\" aria-label=\"\(Self.escape(alt))\" class=\"figure\"")
        }
        return "<figure>\(s)<figcaption>\(Self.escape(caption))</figcaption></figure>\n"
    }

    /// A table with headers; `sortable` adds a button to each column header that sorts the rows by
    /// it (numbers as numbers, empty cells last). Cells are (shown text, sort value).
    public static func table(id: String? = nil, caption: String, headers: [String], rows: [(id: String?, cells: [(String, String)])],
                             sortable: Bool = false, rowHeaders: Bool = false) -> String {
        var out = "<div class=\"scroll\"><table\(id.map { " id=\"\(escape($0))\"" } ?? "")\(sortable ? " class=\"sortable\"" : "")>"
        out += "<caption>\(escape(caption))\(sortable ? " <span class=\"hint\">(select a column header to sort by it)</span>" : "")</caption><thead><tr>"
        for h in headers {
            out += sortable ? "<th scope=\"col\"><button type=\"button\">\(escape(h))</button></th>" : "<th scope=\"col\">\(escape(h))</th>"
        }
        out += "</tr></thead><tbody>\n"
        for row in rows {
            out += "<tr\(row.id.map { " id=\"\(escape($0))\"" } ?? "")>"
            for (k, cell) in row.cells.enumerated() {
                let tag = rowHeaders && k == 0 ? "th scope=\"row\"" : "td"
                out += "<\(tag) data-value=\"\(escape(cell.1))\">\(escape(cell.0))</\(tag.prefix(2))>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody></table></div>\n"
    }

    /// A number for a table cell: 4 significant digits; "—" for none.
    public static func number(_ x: Double?, digits: Int = 4) -> (String, String) {
        guard let x, x.isFinite else { return ("—", "") }
        return (String(format: "%.\(digits)g", x), x.description)
    }

    public func render() -> String {
        var out = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Self.escape(title))</title>
        <style>\(Self.style)</style></head>
        <body><header><h1>\(Self.escape(title))</h1><dl class="facts">
        """
        for (k, v) in facts { out += "<dt>\(Self.escape(k))</dt><dd>\(Self.escape(v))</dd>" }
        out += "</dl></header>\n<main>\n<section id=\"warnings\" aria-labelledby=\"warnings-heading\" class=\"\(warnings.isEmpty ? "ok" : "warn")\">"
        out += "<h2 id=\"warnings-heading\">Warnings (\(warnings.count))</h2>"
        if warnings.isEmpty {
            out += "<p>No warning: every check passed (R-hat ≤ 1.01, bulk and tail ESS ≥ 100 per chain, no divergence, no diverged or stuck chain, references within 4 MCSE where there are any).</p>"
        } else {
            func item(_ w: Warning) -> String { "<li><strong>Warning:</strong> <a href=\"#\(Self.escape(w.anchor))\">\(Self.escape(w.message))</a></li>" }
            // A long list shows its first entries; the others are one click away.
            out += "<ul>" + warnings.prefix(Self.warningsShown).map(item).joined() + "</ul>"
            if warnings.count > Self.warningsShown {
                out += "<details><summary>\(warnings.count - Self.warningsShown) more warnings</summary><ul>"
                    + warnings.dropFirst(Self.warningsShown).map(item).joined() + "</ul></details>"
            }
        }
        if !notes.isEmpty { out += "<h3>Notes on the inputs</h3><ul>" + notes.map { "<li>\(Self.escape($0))</li>" }.joined() + "</ul>" }
        out += "</section>\n<nav aria-label=\"Contents\"><h2>Contents</h2><ul>"
        out += sections.map { "<li><a href=\"#\($0.id)\">\(Self.escape($0.heading))</a></li>" }.joined()
        out += "</ul></nav>\n"
        for s in sections {
            out += "<section id=\"\(s.id)\" aria-labelledby=\"\(s.id)-heading\"><h2 id=\"\(s.id)-heading\">\(Self.escape(s.heading))</h2>\n\(s.html)</section>\n"
        }
        out += "</main>\n<script>\(Self.script)</script>\n</body></html>\n"
        return out
    }

    static let style = """
    body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:0 1em;color:#111;background:#fff;line-height:1.4}
    h1{font-size:1.5em}h2{font-size:1.25em;border-bottom:1px solid #999}h3{font-size:1.05em}
    dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:0 1em}dl.facts dt{font-weight:bold}dl.facts dd{margin:0;word-break:break-all}
    #warnings{border:3px solid #b00;padding:0 1em;margin:1em 0}#warnings.ok{border-color:#070}#warnings li{color:#900}#warnings summary{cursor:pointer;font-weight:bold}#warnings a{color:inherit}
    .scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85em;margin:.5em 0}th,td{border:1px solid #bbb;padding:2px 6px;text-align:right}
    th[scope=row],td:first-child{text-align:left}caption{text-align:left;font-weight:bold;padding:.3em 0}
    th button{font:inherit;font-weight:bold;background:none;border:0;padding:0;cursor:pointer;text-decoration:underline dotted}
    th[aria-sort=ascending] button::after{content:" ▲"}th[aria-sort=descending] button::after{content:" ▼"}
    tr.flag td,tr.flag th{background:#fee}.hint{font-weight:normal;font-size:.85em}
    figure{display:inline-block;margin:.5em;vertical-align:top;max-width:100%}svg.figure{max-width:100%;height:auto}
    figcaption{font-size:.85em;max-width:640px}.figures{display:flex;flex-wrap:wrap}
    """

    /// Sorts a table by the column whose header button was pressed: numbers as numbers, text as
    /// text, empty cells last; pressing again reverses the order.
    static let script = """
    document.querySelectorAll('table.sortable').forEach(function (table) {
      var heads = table.tHead.rows[0].cells;
      Array.prototype.forEach.call(heads, function (th, col) {
        th.querySelector('button').addEventListener('click', function () {
          var up = th.getAttribute('aria-sort') !== 'ascending';
          Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
          th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
          var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var x = a.cells[col].getAttribute('data-value'), y = b.cells[col].getAttribute('data-value');
            if (x === y) return 0;
            if (x === '') return 1;
            if (y === '') return -1;
            var nx = Number(x), ny = Number(y), c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : (x < y ? -1 : 1);
            return up ? c : -c;
          });
          rows.forEach(function (r) { body.appendChild(r); });
        });
      });
    });
    """
}
