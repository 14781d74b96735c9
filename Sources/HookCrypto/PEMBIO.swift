internal import CHookShim
internal import COpenSSL

// BIOs are OpenSSL's I/O abstraction; PEM readers and writers only speak to BIOs. They live only
// for the length of one call here, so each is freed by a `defer` right after it is created:
// a wrapper object around a local would be released after its last Swift use, possibly before
// the C call that still needs the pointer (c-interop-notes, pitfall 1).

/// Where PEM text comes from: a string in memory, or a file read by OpenSSL itself.
enum PEMSource {
    case text(String)
    case file(String)
}

/// Opens `source` as a read-only BIO, runs `read` (a `PEM_read_bio_*` call) on it and returns
/// the object read; NULL from `read` becomes a `CryptoError` naming `call`.
func readPEM<T>(
    _ source: PEMSource, _ call: String, in operation: String, _ read: (OpaquePointer) -> T?
) throws -> T {
    clearOpenSSLErrors()
    switch source {
    case .file(let path):
        // On failure OpenSSL queues the errno text and "calling fopen(path, r)", which names the file.
        let bio = try check(BIO_new_file(path, "r"), "BIO_new_file", in: operation)
        defer { BIO_free_all(bio) }
        return try check(read(bio), call, in: operation)
    case .text(let text):
        let bytes = Array(text.utf8)
        guard bytes.count < Int(Int32.max) else {
            throw CryptoError(.invalidInput, operation: operation, message: "PEM text of \(bytes.count) bytes is too large")
        }
        return try bytes.withUnsafeBytes { buffer in
            // "BIO_new_mem_buf() creates a memory BIO using len bytes of data at buf ... The supplied
            // data is read directly from the supplied buffer": the buffer must outlive the BIO.
            let bio = try check(BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)), "BIO_new_mem_buf", in: operation)
            defer { BIO_free_all(bio) }
            return try check(read(bio), call, in: operation)
        }
    }
}

/// Runs `write` (a `PEM_write_bio_*` or other printing call) into a memory BIO and returns what it wrote.
///
/// `secure` uses OpenSSL's secure-heap BIO, which clears its memory when freed; use it for
/// private keys so no copy of the key text stays behind in freed heap memory.
func writeToMemoryBIO(_ call: String, in operation: String, secure: Bool = false, _ write: (OpaquePointer) -> Int32) throws -> String {
    clearOpenSSLErrors()
    let bio = try check(BIO_new(secure ? BIO_s_secmem() : BIO_s_mem()), "BIO_new", in: operation)
    defer { BIO_free_all(bio) }
    try check(write(bio), call, in: operation)
    var data: UnsafeMutablePointer<CChar>?
    let length = ahk_bio_get_mem_data(bio, &data)
    guard length > 0, let data else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
}

/// A PEM passphrase callback that refuses to provide one.
///
/// With a NULL callback OpenSSL falls back to prompting on the terminal ("If the cb parameters is
/// set to NULL ... the default callback routine is used which will typically prompt for the
/// passphrase"), which would hang a service; an encrypted key must fail to load instead.
/// Passed as a `pem_password_cb`; the -1 return is OpenSSL's "an error occurred" answer.
func refusePassphrase(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int32, _ writing: Int32, _ context: UnsafeMutableRawPointer?
) -> Int32 {
    -1
}
