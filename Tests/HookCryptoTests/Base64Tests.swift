import Foundation
import HookCrypto
import Testing

@Suite struct Base64Tests {
    /// RFC 4648 §10 test vectors.
    static let rfc4648: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test func rfc4648Vectors() {
        for (plain, encoded) in Self.rfc4648 {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
            let unpadded = encoded.replacingOccurrences(of: "=", with: "")
            #expect(Base64.urlEncode(Array(plain.utf8)) == unpadded)
            #expect(Base64.urlDecode(unpadded) == Array(plain.utf8))
            #expect(Base64.urlDecode(encoded) == Array(plain.utf8), "base64url also accepts padding")
        }
    }

    @Test func alphabetsDiffer() {
        let bytes: [UInt8] = [0xFB, 0xFF, 0xBF]
        #expect(Base64.encode(bytes) == "+/+/")
        #expect(Base64.urlEncode(bytes) == "-_-_")
        #expect(Base64.decode("+/+/") == bytes)
        #expect(Base64.urlDecode("-_-_") == bytes)
        #expect(Base64.decode("-_-_") == nil)
        #expect(Base64.urlDecode("+/+/") == nil)
    }

    @Test func roundTripsAgreeWithFoundation() throws {
        for length in 0...67 {
            let bytes = try SecureRandom.bytes(length)
            let encoded = Base64.encode(bytes)
            #expect(encoded == Data(bytes).base64EncodedString())
            #expect(Base64.decode(encoded) == bytes)
            let urlEncoded = Base64.urlEncode(bytes)
            #expect(!urlEncoded.contains("=") && !urlEncoded.contains("+") && !urlEncoded.contains("/"))
            #expect(Base64.urlDecode(urlEncoded) == bytes)
        }
    }

    @Test(arguments: [
        "Zg=",       // padded text must be whole groups of four
        "Zg",        // standard base64 requires padding
        "Z===",      // at most two padding characters
        "Zg==Zg==",  // padding only at the end
        "Zm9v!A==",  // not in the alphabet
        "Zm9 v",     // whitespace is not skipped
        "Zm9v\n",    // nor are line breaks
        "Zh==",      // non-zero leftover bits: not the canonical encoding of "f"
        "Zm9=",      // likewise for two bytes
        "====",
    ])
    func rejectsInvalidStandard(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test(arguments: ["Z", "Zm9vY", "Zg=", "Zh", "Zm9v.", "Zm9v+", "Zm9v/", "Zg==="])
    func rejectsInvalidURL(_ text: String) {
        #expect(Base64.urlDecode(text) == nil)
    }

    @Test func nonASCIIIsRejected() {
        #expect(Base64.decode("Zm9vé===") == nil)
        #expect(Base64.urlDecode("Zm9vÿ") == nil)
    }
}
