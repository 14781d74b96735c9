import Foundation
import HookJSON
import HookRecords
import Testing

@Suite("Record splitter: the Management API's quirks and the extracted fields")
struct SplitterQuirksTests {
    func only(_ text: String) throws -> SplitRecord {
        let records = try SplitterHarness.split(Array(text.utf8), chunkSize: 1)
        #expect(try RecordSplitter.split(Array(text.utf8)) == records)
        return try #require(records.count == 1 ? records[0] : nil)
    }

    @Test("the seven fields, with RecordType as a string, a CreationTime without zone and escapes decoded")
    func fields() throws {
        let record = try self.only(#"""
            [{"RecordType":"28","Id":"a\u0062c","CreationTime":"2015-06-29T20:03:19","Operation":"Op\u00e9 \"x\"",
              "Workload":"ThreatIntelligence","OrganizationId":"9d3f7c1e","UserId":"ThreatIntel","UserType":"4"}]
            """#)
        #expect(record.id == "abc")
        #expect(record.recordType == 28)
        #expect(record.creationTimeText == "2015-06-29T20:03:19")
        #expect(record.creationTime == Date(timeIntervalSince1970: 1_435_608_199))
        #expect(record.operation == "Opé \"x\"")
        #expect(record.workload == "ThreatIntelligence")
        #expect(record.organizationId == "9d3f7c1e")
        #expect(record.userId == "ThreatIntel")
    }

    @Test("numbers as numbers, zones and fractions, any key order, whitespace everywhere")
    func numbersOrderWhitespace() throws {
        let record = try self.only(" [ \n{ \"UserId\" :\t\"u\" ,\r\n \"RecordType\" : 40 , \"CreationTime\"\n:\n"
            + "\"2026-11-29T06:30:00.250+01:00\" , \"Id\" : \"x\" } \n] \n")
        #expect(record.id == "x")
        #expect(record.recordType == 40)
        #expect(record.userId == "u")
        #expect(record.creationTime == Date(timeIntervalSince1970: 1_795_930_200.25))
        #expect(record.operation == nil)
        #expect(record.workload == nil)
    }

    @Test("keys with the same names inside nested objects and arrays are never extracted")
    func nestedDecoys() throws {
        let record = try self.only(#"""
            [{"AppAccessContext":{"Id":"decoy","UserId":"decoy","RecordType":1},
              "AlertLinks":[{"Id":"decoy"},["Id","UserId"]],"Data":"{\"Id\":\"decoy\"}","Id":"real",
              "Deep":{"a":[{"b":{"Workload":"decoy","Operation":"decoy"}}]}}]
            """#)
        #expect(record.id == "real")
        #expect(record.userId == nil)
        #expect(record.recordType == nil)
        #expect(record.workload == nil)
        #expect(record.operation == nil)
    }

    @Test("absent, null, non-numeric and container values leave the field nil; an escaped key still matches")
    func missingAndOddValues() throws {
        let record = try self.only(#"[{"\u0049d":"k","UserId":null,"RecordType":"abc","Workload":{"Id":"w"},"CreationTime":"yesterday","#
            + #""OrganizationId":["o",1],"Operation":[{"x":"y"}]}]"#)
        #expect(record.id == "k")
        #expect(record.userId == nil)
        #expect(record.recordType == nil)
        #expect(record.workload == nil)
        #expect(record.organizationId == nil)
        #expect(record.operation == nil)
        #expect(record.creationTimeText == "yesterday")
        #expect(record.creationTime == nil)
        let empty = try self.only("[{}]")
        #expect(empty.id == nil && empty.bytes == Array("{}".utf8))
    }

    @Test("unicode and escapes are kept byte for byte in the record and decoded in the fields")
    func unicode() throws {
        let text = #"{"Id":"会议-😀-\ud83d\ude00","UserId":"r\u00e9sum\u00e9\/\\\b\f\n\r\t","Subject":"Réunion — ok"}"#
        let record = try self.only("[" + text + "]")
        #expect(record.bytes == Array(text.utf8))
        #expect(record.id == "会议-😀-😀")
        #expect(record.userId == "résumé/\\\u{08}\u{0C}\n\r\t")
        #expect(try JSONParser.parse(record.bytes)["Subject"]?.stringValue == "Réunion — ok")
    }

    @Test("the numeric Id and a negative, fractional RecordType are taken as written")
    func numericValues() throws {
        let record = try self.only(#"[{"Id":12345,"RecordType":-1.5e2,"Version":1}]"#)
        #expect(record.id == "12345")
        #expect(record.recordType == nil)
    }
}
