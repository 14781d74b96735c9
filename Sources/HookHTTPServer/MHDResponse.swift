internal import CMicroHTTPD

/// Queues `response` on `connection`; the single place that turns an `HTTPResponse` into MHD calls.
///
/// libmicrohttpd 0.9.75 has no `MHD_create_response_from_buffer_copy`, so the body is copied with
/// `MHD_ResponseMemoryMode.RESPMEM_MUST_COPY`. Returns false when MHD refused (the connection is then closed).
func queueMHDResponse(_ response: HTTPResponse, on connection: OpaquePointer, closeConnection: Bool) -> Bool {
    let mhdResponse: OpaquePointer? = response.body.withUnsafeBytes { bytes in
        MHD_create_response_from_buffer(
            bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), MHD_ResponseMemoryMode.RESPMEM_MUST_COPY)
    }
    guard let mhdResponse else { return false }
    defer { MHD_destroy_response(mhdResponse) }
    for (name, value) in response.headers {
        // Header values with CR/LF would split the response; MHD rejects them and we drop the field.
        _ = MHD_add_response_header(mhdResponse, name, value)
    }
    if closeConnection {
        _ = MHD_add_response_header(mhdResponse, "Connection", "close")
    }
    let status = UInt32(clamping: max(100, min(599, response.status)))
    return MHD_queue_response(connection, status, mhdResponse) == MHD_Result.YES
}
