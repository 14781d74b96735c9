// Deterministic generators of realistic audit records and of random JSON, shared by the tests
// (and by the throughput harness, which compiles this file without Swift Testing).
import HookTestSupport

enum RecordFixtures {
    /// A GUID-shaped Id, unique per `index`.
    static func id(_ index: Int) -> String {
        let hex = String(index, radix: 16)
        let padded = String(repeating: "0", count: max(0, 12 - hex.count)) + hex
        return "4f1c2a9e-7b3d-4e5f-9a8b-\(padded)"
    }

    /// A realistic Management API record of about `size` bytes: no-zone `CreationTime`, some numbers
    /// as strings, nested objects and arrays holding keys named like the top-level fields (decoys),
    /// escapes and non-ASCII text; key order varies with `index`.
    static func record(_ index: Int, size: Int = 1024) -> String {
        let stringType = index % 3 == 0
        var members = [
            #""Id":"\#(self.id(index))""#,
            #""RecordType":\#(stringType ? "\"28\"" : "28")"#,
            #""CreationTime":"2026-11-29T07:\#(String(format2: index / 60 % 60)):\#(String(format2: index % 60))""#,
            #""Operation":"TIMailData""#,
            #""OrganizationId":"9d3f7c1e-2a4b-4c5d-8e6f-0123456789ab""#,
            #""UserType":\#(stringType ? "\"4\"" : "4")"#,
            #""UserKey":"ThreatIntel""#,
            #""Workload":"ThreatIntelligence""#,
            #""UserId":"user\#(index)@contoso.com""#,
            #""Version":1"#,
            #""ClientIP":null"#,
            #""AttachmentData":[{"FileName":"r\u00e9sum\u00e9 \"final\".docx","FileType":"docx","Id":"decoy-a","SHA256":"ab12cd"}]"#,
            #""AppAccessContext":{"UserId":"decoy-user","Workload":"decoy","Nested":{"Id":"decoy-b","RecordType":99}}"#,
            #""Subject":"Réunion — 会议 \ud83d\ude00 tab\tnewline\n slash\/","Verdict":"Phish","Recipients":["a@contoso.com","b@contoso.com"]"#,
            #""Score":-12.5e-3,"Flags":[true,false,null,0,[],{}]"#,
        ]
        // Rotate the key order so no test relies on it.
        let rotation = index % members.count
        members = Array(members[rotation...] + members[..<rotation])
        var text = "{" + members.joined(separator: index % 2 == 0 ? "," : " ,\n  ") + "}"
        let padding = size - text.utf8.count - 16
        if padding > 0 {
            text.removeLast()
            text += #","Padding":"\#(String(repeating: "x", count: padding))"}"#
        }
        return text
    }

    /// `records` joined into a blob with whitespace between the tokens of the array.
    static func blob(_ records: [String]) -> [UInt8] {
        Array(("\n[ " + records.joined(separator: " ,\r\n\t") + " ]\n").utf8)
    }

    /// A random JSON object whose top-level `Id` is `id` (placed at a random position), built from
    /// random strings (escapes, unicode), numbers, literals and nested containers.
    static func randomObject(id: String, using rng: inout SeededGenerator) -> String {
        var members: [String] = []
        for index in 0..<Int.random(in: 0...6, using: &rng) {
            members.append(#""k\#(index)":\#(self.randomValue(depth: 1, using: &rng))"#)
        }
        members.insert(#""Id":"\#(id)""#, at: Int.random(in: 0...members.count, using: &rng))
        return "{" + members.joined(separator: self.whitespace(using: &rng) + ",") + "}"
    }

    static func randomValue(depth: Int, using rng: inout SeededGenerator) -> String {
        let choice = Int.random(in: 0..<(depth < 5 ? 9 : 6), using: &rng)
        switch choice {
        case 0: return ["true", "false", "null"].randomElement(using: &rng)!
        case 1: return ["0", "-1", "42", "3.25", "-0.5e10", "1E+2", "12345678901234567890"].randomElement(using: &rng)!
        case 2, 3, 4, 5:
            let pieces = ["plain", "é", "会议", "😀", #"\""#, #"\\"#, #"\/"#, #"\n"#, #"\u0041"#, #"\ud83d\ude00"#, "Id", " "]
            return "\"" + (0..<Int.random(in: 0...5, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined() + "\""
        case 6, 7:
            let items = (0..<Int.random(in: 0...4, using: &rng)).map { _ in self.randomValue(depth: depth + 1, using: &rng) }
            return "[" + self.whitespace(using: &rng) + items.joined(separator: ",") + "]"
        default:
            let members = (0..<Int.random(in: 0...4, using: &rng)).map { index in
                #""\#(["Id", "RecordType", "UserId", "x"][index])"\#(self.whitespace(using: &rng)):"#
                    + self.randomValue(depth: depth + 1, using: &rng)
            }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    static func whitespace(using rng: inout SeededGenerator) -> String {
        ["", "", " ", "\n", "\t ", "\r\n"].randomElement(using: &rng)!
    }
}

extension String {
    /// Two decimal digits.
    init(format2 value: Int) { self = value < 10 ? "0\(value)" : "\(value)" }
}
