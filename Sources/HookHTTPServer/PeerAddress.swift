internal import CHookShim
internal import CMicroHTTPD

/// The address of the client that sent a request, kept raw and formatted only when printed.
public struct PeerAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6, empty when unknown.
    public let bytes: [UInt8]
    public let port: UInt16

    public init(bytes: [UInt8], port: UInt16) {
        self.bytes = bytes
        self.port = port
    }

    /// An address that could not be determined.
    public static let unknown = PeerAddress(bytes: [], port: 0)

    /// `1.2.3.4:5678` or `[::1]:5678`; empty when unknown.
    public var description: String {
        guard !self.bytes.isEmpty else { return "" }
        var buffer = [CChar](repeating: 0, count: 80)
        let rc = buffer.withUnsafeMutableBufferPointer { out in
            self.bytes.withUnsafeBufferPointer { ahk_format_address($0.baseAddress, Int32($0.count), self.port, out.baseAddress, out.count) }
        }
        guard rc == 0 else { return "" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Reads the peer of an MHD connection.
    static func of(_ connection: OpaquePointer) -> PeerAddress {
        var raw = [UInt8](repeating: 0, count: 16)
        var port: UInt16 = 0
        let length = raw.withUnsafeMutableBufferPointer { ahk_mhd_peer(connection, $0.baseAddress, &port) }
        guard length == 4 || length == 16 else { return .unknown }
        return PeerAddress(bytes: Array(raw[..<Int(length)]), port: port)
    }
}
