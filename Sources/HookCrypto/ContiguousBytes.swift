/// Calls `body` with the bytes of `bytes` in contiguous memory, copying only when the sequence
/// has no contiguous storage of its own (arrays, slices and native strings' UTF-8 views have).
func withContiguousBytes<R>(
    _ bytes: some Sequence<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> R
) rethrows -> R {
    if let result = try bytes.withContiguousStorageIfAvailable(body) {
        return result
    }
    return try Array(bytes).withUnsafeBufferPointer(body)
}
