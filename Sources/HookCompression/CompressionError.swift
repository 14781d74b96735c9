internal import CZlib

/// Why zlib could not compress or decompress: a typed code and a human message.
public struct CompressionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        /// `Z_STREAM_ERROR`: an inconsistent stream or a bad parameter (a programming error).
        public static let stream = Code(name: "stream")
        /// `Z_DATA_ERROR`: the input is not valid gzip (bad header, corrupt data, wrong CRC or length).
        public static let data = Code(name: "data")
        /// `Z_MEM_ERROR`: zlib could not allocate its state.
        public static let memory = Code(name: "memory")
        /// `Z_VERSION_ERROR`: the zlib library linked at run time is incompatible with the header.
        public static let version = Code(name: "version")
        /// The input ended before the gzip stream did.
        public static let truncated = Code(name: "truncated")
        /// The output would exceed the caller's limit (decoding stopped there).
        public static let limitExceeded = Code(name: "limitExceeded")
        /// Any other zlib return code.
        public static let other = Code(name: "other")
        /// The code's name.
        public var description: String { self.name }
    }

    /// The kind of failure.
    public let code: Code
    /// What failed, with zlib's own `msg` when it gave one.
    public let message: String
    /// zlib's numeric return code, when the failure came from zlib.
    public let zlibCode: Int?

    /// Creates an error.
    public init(_ code: Code, _ message: String, zlibCode: Int? = nil) {
        self.code = code
        self.message = message
        self.zlibCode = zlibCode
    }

    /// `gzip <code>: <message>`.
    public var description: String { "gzip \(self.code): \(self.message)" }
}

/// The one place zlib return codes become ``CompressionError``.
enum ZlibResult {
    /// Throws unless `rc` is `Z_OK` or one of `accepted`. `stream` supplies zlib's `msg`, which
    /// "is set to null if there is no error message" (zlib.h), so it is read only when present.
    static func check(_ rc: Int32, _ what: String, stream: UnsafePointer<z_stream>, accepting accepted: [Int32] = [])
        throws(CompressionError) {
        guard rc != Z_OK, !accepted.contains(rc) else { return }
        let detail = stream.pointee.msg.map { String(cString: $0) }
        throw Self.error(rc, what, detail: detail)
    }

    static func error(_ rc: Int32, _ what: String, detail: String?) -> CompressionError {
        let code: CompressionError.Code
        let text: String
        switch rc {
        case Z_STREAM_ERROR: (code, text) = (.stream, "inconsistent stream state or bad parameter")
        case Z_DATA_ERROR: (code, text) = (.data, "invalid or corrupt gzip data")
        case Z_MEM_ERROR: (code, text) = (.memory, "out of memory")
        case Z_VERSION_ERROR: (code, text) = (.version, "incompatible zlib version")
        case Z_BUF_ERROR: (code, text) = (.truncated, "no progress possible (input ended early)")
        default: (code, text) = (.other, "zlib returned \(rc)")
        }
        return CompressionError(code, "\(what): \(detail ?? text)", zlibCode: Int(rc))
    }
}
