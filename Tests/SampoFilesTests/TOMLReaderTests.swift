import XCTest
import SampoFiles

/// Sampo's own TOML reader: the TOML 1.0 forms users write, and errors with line and column.
final class TOMLReaderTests: XCTestCase {
    func testValuesOfEveryKind() throws {
        let text = """
        # comment
        title = "a \\"quoted\\" \\u00e9 word" # trailing comment
        literal = 'C:\\path'
        bare-key_1 = 1_000
        "quoted key" = -17
        hex = 0xff
        oct = 0o17
        bin = 0b101
        reals = [1.5, -2e-3, 6.02E+23, +inf, 3_141.5]
        nested = [ [1, 2],
                   [3, 4], ]  # trailing comma, newlines
        flag = true
        when = 1979-05-27 07:32:00Z
        multi = \"\"\"
        one \\
           two\"\"\"
        raw = '''
        line1
        line2'''
        point = { x = 1, y.z = 2 }
        [table.sub]
        a = 1
        [[samplers]]
        name = "mala"
        [[samplers]]
        name = "rwm"
        """
        let t = try TOMLDocument.parse(text)
        XCTAssertEqual(t["title"], .string("a \"quoted\" é word"))
        XCTAssertEqual(t["literal"], .string("C:\\path"))
        XCTAssertEqual(t["bare-key_1"], .integer(1000))
        XCTAssertEqual(t["quoted key"], .integer(-17))
        XCTAssertEqual(t["hex"], .integer(255))
        XCTAssertEqual(t["oct"], .integer(15))
        XCTAssertEqual(t["bin"], .integer(5))
        XCTAssertEqual(t["reals"], .array([.float(1.5), .float(-2e-3), .float(6.02e23), .float(.infinity), .float(3141.5)]))
        XCTAssertEqual(t["nested"], .array([.array([.integer(1), .integer(2)]), .array([.integer(3), .integer(4)])]))
        XCTAssertEqual(t["flag"], .bool(true))
        XCTAssertEqual(t["when"], .dateTime("1979-05-27 07:32:00Z"))
        XCTAssertEqual(t["multi"], .string("one two"))
        XCTAssertEqual(t["raw"], .string("line1\nline2"))
        XCTAssertEqual(t["point"]?.table?["x"], .integer(1))
        XCTAssertEqual(t["point"]?.table?["y"]?.table?["z"], .integer(2))
        XCTAssertEqual(t["table"]?.table?["sub"]?.table?["a"], .integer(1))
        XCTAssertEqual(t["samplers"]?.array?.compactMap { $0.table?["name"]?.string }, ["mala", "rwm"])
        XCTAssertEqual(t.keys.first, "title")
    }

    func testSignedHexIsAnError() {
        XCTAssertThrowsError(try TOMLDocument.parse("x = -0x1F"))
    }

    func testErrorsCarryLineAndColumn() {
        func message(_ text: String) -> String {
            do { _ = try TOMLDocument.parse(text); return "" } catch { return error.description }
        }
        XCTAssertEqual(message("x = [}"), "line 1, column 6: expected a value, found '}'")
        XCTAssertEqual(message("x = [1, }]"), "line 1, column 9: expected a value, found '}'")
        XCTAssertEqual(message("a = 1\na = 2"), "line 2, column 6: key 'a' is defined twice")
        XCTAssertEqual(message("[t]\n[t]"), "line 2, column 4: table [t] is defined twice")
        XCTAssertEqual(message("x = 012"), "line 1, column 5: '012': leading zeros are not allowed")
        XCTAssertEqual(message("x = 9223372036854775808"),
                       "line 1, column 5: integer 9223372036854775808 is out of range (at most 9223372036854775807)")
        XCTAssertEqual(message("x = 1 2"), "line 1, column 7: expected the end of the line after a value or header, found '2'")
        XCTAssertEqual(message("x = {a = 1,\n b = 2}"), "line 1, column 12: expected a key, found the end of the line")
        XCTAssertEqual(message("x = \"\\q\""), "line 1, column 7: unknown escape sequence in a string")
        XCTAssertEqual(message("x = [" + String(repeating: "[", count: 100)), "line 1, column 69: arrays and tables nested more than 64 deep")
        XCTAssertEqual(message("x.y = 1\n[x]"), "line 2, column 4: table [x] is defined twice")
        XCTAssertEqual(message("x = 1\r"), "line 1, column 6: a carriage return must be followed by a line feed")
        XCTAssertEqual(message("x = 1\r\ny = 2"), "")
    }
}
