internal import COpenSSL

// The one chokepoint where OpenSSL return codes become `CryptoError`s.
//
// OpenSSL reports failures through a per-thread error queue ("ERR_get_error ... returns the earliest
// error code from the thread's error queue and removes the entry"). Every public operation clears
// the queue first, so a failure reports only its own entries and never a stale one left by an
// unrelated earlier call on the same thread; every failure drains it completely.

/// Empties this thread's OpenSSL error queue; called at the start of every public operation.
func clearOpenSSLErrors() {
    ERR_clear_error()
}

/// Throws unless `rc` reports success. OpenSSL 3 functions return 1 (some "a positive value")
/// on success and 0 or a negative value on failure.
func check(_ rc: Int32, _ call: String, in operation: String) throws {
    if rc <= 0 { throw openSSLFailure(operation, "\(call) returned \(rc)") }
}

/// Throws unless `succeeded`; for calls whose success test is not "positive return code".
func check(_ succeeded: Bool, _ call: String, in operation: String) throws {
    if !succeeded { throw openSSLFailure(operation, "\(call) failed") }
}

/// Unwraps a pointer returned by OpenSSL; NULL means failure.
func check<T>(_ pointer: T?, _ call: String, in operation: String) throws -> T {
    guard let pointer else { throw openSSLFailure(operation, "\(call) returned NULL") }
    return pointer
}

/// For a verification result: 1 is a good signature, 0 a bad one, anything else an error
/// ("EVP_DigestVerify() ... return 1 for success; any other value indicates failure. A return
/// value of zero indicates that the signature did not verify successfully").
func checkVerification(_ rc: Int32, _ call: String, in operation: String) throws -> Bool {
    switch rc {
    case 1:
        return true
    case 0:
        // A bad signature is an answer, not an error; its queue entries must not leak into later failures.
        clearOpenSSLErrors()
        return false
    default:
        throw openSSLFailure(operation, "\(call) returned \(rc)")
    }
}

/// For calls that cannot fail on a working OpenSSL (hashing with a built-in digest): a failure
/// means the library is broken or out of memory, a state no caller can handle, so it stops the process.
func checkInfallible(_ rc: Int32, _ call: String, in operation: String) {
    if rc <= 0 { fatalError(openSSLFailure(operation, "\(call) returned \(rc)").description) }
}

/// Builds the error for a failed call, draining every entry from this thread's error queue.
private func openSSLFailure(_ operation: String, _ message: String) -> CryptoError {
    var entries: [String] = []
    var file: UnsafePointer<CChar>?
    var line: Int32 = 0
    var data: UnsafePointer<CChar>?
    var flags: Int32 = 0
    var buffer = [CChar](repeating: 0, count: 256)
    while true {
        let code = ERR_get_error_all(&file, &line, nil, &data, &flags)
        if code == 0 { break }
        // "ERR_error_string_n() ... writes at most len characters (including the terminating 0)".
        ERR_error_string_n(code, &buffer, buffer.count)
        var entry = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if let file { entry += " (\(String(cString: file)):\(line))" }
        if flags & ERR_TXT_STRING != 0, let data, data.pointee != 0 { entry += ": \(String(cString: data))" }
        entries.append(entry)
    }
    if entries.isEmpty {
        return CryptoError(.openSSL, operation: operation, message: message + " (the OpenSSL error queue was empty)")
    }
    return CryptoError(.openSSL, operation: operation, message: message, openSSLErrors: entries)
}
