import Foundation
import HookJSON
import Testing

@Suite("Strict bounded JSON parser")
struct JSONParserTests {
    @Test("valid documents parse to the expected values, keeping member order")
    func valid() throws {
        let value = try JSONParser.parse(Array(#" {"b": [1, -2.5e3, true, false, null], "a": "x\u00e9\ud83d\ude00\n"} "#.utf8))
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a"])
        #expect(value["b"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        #expect(value["a"]?.stringValue == "xé😀\n")
        #expect(try JSONParser.parse(Array("[]".utf8)) == .array([]))
        #expect(try JSONParser.parse(Array("\"caf\u{e9}\"".utf8)) == .string("café"))
    }

    @Test("invalid documents are errors with an offset, never crashes", arguments: [
        "", "[", "]", "{", "{\"a\"}", "{\"a\":}", "[1,]", "[,1]", "01", "1.", "-", "1e", "+1", "tru", "nul",
        "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
        "\"tab\there\"", "[1] [2]", "{\"a\":1,}", "NaN", "[Infinity]", "{'a':1}", "\u{feff}[]",
    ])
    func invalid(text: String) {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test("invalid UTF-8 (stray continuation, overlong, surrogate, truncated, > U+10FFFF) is rejected",
          arguments: [[0x22, 0x80, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE2, 0x82],
                      [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xFF, 0x22]] as [[UInt8]])
    func invalidUTF8(bytes: [UInt8]) {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(bytes) }
    }

    @Test("nesting beyond the limit is an error, even 10,000 levels deep")
    func depth() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(Array(deep.utf8)) }
        let ok = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
        _ = try JSONParser.parse(Array(ok.utf8), limits: .init(maxDepth: 16))
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(Array(ok.utf8), limits: .init(maxDepth: 5)) }
    }

    @Test("duplicate keys are rejected by default and allowed on request")
    func duplicateKeys() throws {
        let text = Array(#"{"a":1,"a":2}"#.utf8)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(text) }
        let lenient = try JSONParser.parse(text, limits: .init(rejectDuplicateKeys: false))
        #expect(lenient["a"] == .number("1"))
    }

    @Test("numbers sent as strings still read as integers")
    func stringNumbers() throws {
        let value = try JSONParser.parse(Array(#"{"RecordType":"28","n":40}"#.utf8))
        #expect(value["RecordType"]?.int64Value == 28)
        #expect(value["n"]?.int64Value == 40)
    }
}

@Suite("Management API timestamps")
struct TimestampTests {
    @Test("accepted forms", arguments: [
        ("2015-05-23T17:35:00.000Z", 1_432_402_500.0), ("2015-05-23T17:35:00Z", 1_432_402_500.0),
        ("2015-05-23T17:35:00", 1_432_402_500.0), ("2015-05-23T17:35:00.5", 1_432_402_500.5),
        ("2015-05-23T19:35:00+02:00", 1_432_402_500.0), ("2016-02-29T00:00:00Z", 1_456_704_000.0),
        ("2015-05-23T17:35:00.1234567Z", 1_432_402_500.1234567),
    ])
    func accepted(text: String, expected: Double) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - expected) < 0.0001)
    }

    @Test("rejected forms", arguments: [
        "", "2015-05-23", "2015-13-01T00:00:00Z", "2015-02-29T00:00:00Z", "2015-05-23T24:00:00Z", "2015-05-23T17:35:00.Z",
        "2015-05-23T17:35:00+2", "2015-05-23T17:35:00Zjunk", "abcd-ef-ghTij:kl:mn",
    ])
    func rejected(text: String) { #expect(Timestamp.parse(text) == nil) }

    @Test("format round-trips through parse")
    func roundTrip() throws {
        for seconds in [0.0, 1_432_402_500.123, 1_795_000_000.999, 951_782_400] {
            let date = Date(timeIntervalSince1970: seconds)
            let parsed = try #require(Timestamp.parse(Timestamp.format(date)))
            #expect(abs(parsed.timeIntervalSince1970 - (seconds * 1000).rounded(.down) / 1000) < 0.0005)
        }
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_432_402_500)) == "2015-05-23T17:35:00.000Z")
    }
}
