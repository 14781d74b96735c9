internal import CCurl
internal import CHookShim
import Glibc

/// The trusted CAs of one client: the system bundle plus an optional extra PEM file, parsed once into an
/// OpenSSL `X509_STORE` and attached to every TLS connection by `CURLOPT_SSL_CTX_FUNCTION`
/// (docs/tls-performance.md).
///
/// libcurl creates an `SSL_CTX` per connection. Given `CURLOPT_CAINFO_BLOB`, as this client did before,
/// it parsed the whole bundle (about 140 certificates) again for each one; libcurl's own CA cache
/// (`CURLOPT_CA_CACHE_TIMEOUT`) covers a CA *file* only. An extra file is added to the system bundle rather
/// than replacing it, so tests that point at their own CA still reach real hosts.
///
/// The store is built on the first https transfer, on the client's curl thread: parsing the system bundle
/// takes about 15 ms, which a client that only speaks plain HTTP (a loopback sink) never pays.
// Invariant for @unchecked Sendable: after init, `store` and `systemAdded` change only on the client's curl
// thread (the loop calls `attach`). OpenSSL reference-counts the store and locks its internals.
final class CAStore: @unchecked Sendable {
    private var store: UnsafeMutableRawPointer?
    private var systemAdded = false

    /// Parses the extra file now, into the store the system bundle joins later, so that a missing or
    /// certificate-free file fails the client's creation.
    init(extraFile: String?) throws {
        guard let extraFile else { return }
        guard let pem = Self.read(extraFile) else { throw HTTPClientError(.invalidRequest, "cannot read CA file \(extraFile)") }
        guard let store = ahk_x509_store_new() else { throw HTTPClientError(.transfer, "X509_STORE_new failed") }
        guard Self.add(pem, to: store) > 0 else {
            ahk_x509_store_free(store)
            throw HTTPClientError(.invalidRequest, "CA file \(extraFile) holds no PEM certificate")
        }
        self.store = store
    }

    deinit { if let store = self.store { ahk_x509_store_free(store) } }

    /// Points the easy handle at this store, and at no CA file or directory. Without a system bundle known
    /// to libcurl and without an extra file, libcurl's own defaults stay.
    func attach(to handle: UnsafeMutableRawPointer) throws {
        guard let store = try self.built() else { return }
        try CurlResult.check(ahk_curl_use_x509_store(handle, store), "CURLOPT_SSL_CTX_FUNCTION")
    }

    /// The store with the system bundle added, the first time.
    private func built() throws -> UnsafeMutableRawPointer? {
        if !self.systemAdded {
            if let system = ahk_curl_default_cainfo().flatMap({ Self.read(String(cString: $0)) }) {
                guard let store = self.store ?? ahk_x509_store_new() else {
                    throw HTTPClientError(.transfer, "X509_STORE_new failed")
                }
                self.store = store
                _ = Self.add(system, to: store)
            }
            self.systemAdded = true
        }
        return self.store
    }

    private static func add(_ pem: [UInt8], to store: UnsafeMutableRawPointer) -> Int {
        pem.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { Int(ahk_x509_store_add_pem(store, $0.baseAddress, $0.count)) }
        }
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
