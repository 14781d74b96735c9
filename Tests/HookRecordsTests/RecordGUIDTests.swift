import HookRecords
import Testing

@Suite("RecordGUID")
struct RecordGUIDTests {
    @Test("parses the canonical form in either case to the same 16 bytes, in text order")
    func parses() throws {
        let upper = try #require(RecordGUID("5C6B3F1E-0D7A-4C3B-9E2F-8A1B2C3D4E5F"))
        let lower = try #require(RecordGUID("5c6b3f1e-0d7a-4c3b-9e2f-8a1b2c3d4e5f"))
        #expect(upper == lower)
        #expect(upper.bytes == [0x5C, 0x6B, 0x3F, 0x1E, 0x0D, 0x7A, 0x4C, 0x3B, 0x9E, 0x2F, 0x8A, 0x1B, 0x2C, 0x3D, 0x4E, 0x5F])
        // Byte order is the order SQLite keeps the claims' blobs in.
        let smaller = try #require(RecordGUID("5c6b3f1e-0d7a-4c3b-9e2f-8a1b2c3d4e5e"))
        let larger = try #require(RecordGUID("5c6b3f1f-0000-0000-0000-000000000000"))
        #expect(smaller < upper && upper < larger)
    }

    @Test("anything else is not a GUID", arguments: [
        "", "5c6b3f1e0d7a4c3b9e2f8a1b2c3d4e5f", "{5c6b3f1e-0d7a-4c3b-9e2f-8a1b2c3d4e5f}", "5c6b3f1e-0d7a-4c3b-9e2f-8a1b2c3d4e5g",
        "5c6b3f1e-0d7a-4c3b-9e2f_8a1b2c3d4e5f", "5c6b3f1e-0d7a-4c3b-9e2f-8a1b2c3d4e5", "5c6b3f1e-0d7a-4c3b-9e2f-8a1b2c3d4e5ff",
        "5c6b3f1e-0d7a-4c3b-9e2f-8a1b2c3d4é5",
    ])
    func rejects(_ text: String) {
        #expect(RecordGUID(text) == nil)
    }
}
