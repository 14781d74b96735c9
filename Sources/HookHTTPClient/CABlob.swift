internal import CCurl
internal import CHookShim
import Glibc

/// The system CA bundle plus an extra PEM file, handed to libcurl as `CURLOPT_CAINFO_BLOB`.
///
/// `CURLOPT_CAINFO` would *replace* the system bundle; tests that point at their own CA want to
/// add to it, so both are concatenated once here and the blob is shared (NOCOPY) by every transfer.
// Invariant for @unchecked Sendable: the buffer is written once in init and only read afterwards.
final class CABlob: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<curl_blob>
    private let data: UnsafeMutableRawBufferPointer

    init(extraFile: String) throws {
        var pem: [UInt8] = []
        if let system = ahk_curl_default_cainfo(),
           let bytes = Self.read(String(cString: system)) {
            pem += bytes
            pem.append(0x0A)
        }
        guard let extra = Self.read(extraFile) else {
            throw HTTPClientError(.invalidRequest, "cannot read CA file \(extraFile)")
        }
        pem += extra
        self.data = UnsafeMutableRawBufferPointer.allocate(byteCount: pem.count, alignment: 1)
        self.data.copyBytes(from: pem)
        self.pointer = UnsafeMutablePointer<curl_blob>.allocate(capacity: 1)
        self.pointer.initialize(to: curl_blob(data: self.data.baseAddress, len: pem.count, flags: UInt32(CURL_BLOB_NOCOPY)))
    }

    deinit {
        self.pointer.deallocate()
        self.data.deallocate()
    }

    private static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, 65536, file) }
            if n == 0 { break }
            out += chunk[..<n]
        }
        return out
    }
}
