/// Why the HTTP server could not start or serve.
public struct HTTPServerError: Error, CustomStringConvertible, Equatable {
    /// The kind of failure; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case tlsUnsupported, invalidAddress, startFailed, alreadyStarted, notRunning }
        private let value: Value
        public static let tlsUnsupported = Code(value: .tlsUnsupported)
        public static let invalidAddress = Code(value: .invalidAddress)
        public static let startFailed = Code(value: .startFailed)
        public static let alreadyStarted = Code(value: .alreadyStarted)
        public static let notRunning = Code(value: .notRunning)
        public var description: String { "\(self.value)" }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "HTTP server: \(self.message)" }
}
