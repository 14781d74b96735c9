internal import CCurl
internal import CHookShim

/// Why a request failed before a complete response arrived.
public struct HTTPClientError: Error, CustomStringConvertible {
    /// The kind of failure; callers decide retry policy from it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case timeout, connect, tls, resolve, bodyTooLarge, cancelled, shutdown, overloaded, invalidRequest
            case transfer
        }
        private let value: Value
        public static let timeout = Code(value: .timeout)
        public static let connect = Code(value: .connect)
        public static let tls = Code(value: .tls)
        public static let resolve = Code(value: .resolve)
        public static let bodyTooLarge = Code(value: .bodyTooLarge)
        public static let cancelled = Code(value: .cancelled)
        public static let shutdown = Code(value: .shutdown)
        public static let overloaded = Code(value: .overloaded)
        public static let invalidRequest = Code(value: .invalidRequest)
        /// Any other transport failure (reset, truncated body, protocol error).
        public static let transfer = Code(value: .transfer)
        public var description: String { "\(self.value)" }
    }

    public let code: Code
    public let message: String
    /// libcurl's numeric result code, when the failure came from libcurl.
    public let curlCode: Int?

    public init(_ code: Code, _ message: String, curlCode: Int? = nil) {
        self.code = code
        self.message = message
        self.curlCode = curlCode
    }

    /// Transient failures worth retrying with back-off.
    public var isTransient: Bool {
        [.timeout, .connect, .resolve, .transfer, .overloaded].contains(self.code)
    }

    public var description: String { "HTTP client \(self.code): \(self.message)" }
}

/// The one place libcurl result codes become `HTTPClientError`.
enum CurlResult {
    static func error(_ code: CURLcode, detail: String, url: String) -> HTTPClientError {
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        let kind: HTTPClientError.Code
        switch code {
        case CURLE_OPERATION_TIMEDOUT: kind = .timeout
        case CURLE_COULDNT_CONNECT: kind = .connect
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: kind = .resolve
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE:
            kind = .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: kind = .invalidRequest
        default: kind = .transfer
        }
        return HTTPClientError(kind, "\(text) (\(url))", curlCode: Int(code.rawValue))
    }

    /// Throws when a setup call (setopt, multi_add) fails; these indicate a programming or resource error.
    static func check(_ code: CURLcode, _ what: String) throws {
        guard code != CURLE_OK else { return }
        throw HTTPClientError(.invalidRequest, "\(what): \(String(cString: curl_easy_strerror(code)))",
                              curlCode: Int(code.rawValue))
    }
}
