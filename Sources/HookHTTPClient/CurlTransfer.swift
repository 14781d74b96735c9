internal import CCurl
internal import CHookShim
import Glibc

/// One request on one curl easy handle, from setup to completion.
///
/// Confined to the client's curl thread: created there, called back there by libcurl, finished there.
/// libcurl's callbacks recover it from their userdata pointer; the loop's table holds the strong reference.
// Invariant for @unchecked Sendable: the submitting task creates it and hands it over once, through
// the loop's locked command queue; from then on only the curl thread touches it.
final class CurlTransfer: @unchecked Sendable {
    enum Delivery {
        /// Collect the body up to `maxBytes` and call `completion` once, on the curl thread, at the end.
        case collect(maxBytes: Int, completion: @Sendable (Result<HTTPClientResponse, HTTPClientError>) -> Void)
        /// Answer the head continuation when the head is complete, then stream the body into `buffer`.
        case stream(CheckedContinuation<HTTPStreamingResponse, any Error>?, StreamBuffer)
    }

    let id: Int
    let request: HTTPClientRequest
    /// The easy handle, lent by the loop's pool while the transfer runs (nil before and after).
    private(set) var easy: UnsafeMutableRawPointer?
    var delivery: Delivery
    var headerList: UnsafeMutablePointer<curl_slist>?
    /// CURLOPT_ERRORBUFFER must outlive the handle, so it is heap-allocated here and freed in deinit.
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    var uploadOffset = 0
    var status = 0
    var responseHeaders = HTTPHeaders()
    var body: [UInt8] = []
    var headDelivered = false
    /// A failure detected inside a callback, which takes precedence over curl's generic code.
    var callbackFailure: HTTPClientError?
    /// Makes the streamed response's cancel closure; supplied by the loop.
    var makeCancel: () -> @Sendable () -> Void = { {} }
    /// The caller's cancellation, checked before the transfer starts.
    var cancelled: CancellationFlag?

    init(id: Int, request: HTTPClientRequest, delivery: Delivery) {
        self.id = id
        self.request = request
        self.delivery = delivery
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        if let easy = self.easy { curl_easy_cleanup(easy) }  // only if never returned to the pool
        curl_slist_free_all(self.headerList)
        self.errorBuffer.deallocate()
    }

    /// Lends the transfer an easy handle (on the curl thread, just before it starts).
    func attach(_ easy: UnsafeMutableRawPointer) { self.easy = easy }

    /// Takes the handle back once it has left the multi handle, so no callback can fire any more.
    func detach() -> UnsafeMutableRawPointer? {
        defer { self.easy = nil }
        return self.easy
    }

    var errorText: String { String(cString: self.errorBuffer) }

    // MARK: - Callback bodies (called on the curl thread)

    func receiveHeaderLine(_ line: String) {
        if line.hasPrefix("HTTP/") {
            // A new status line: 1xx interim responses and any earlier block are discarded.
            let parts = line.split(separator: " ", maxSplits: 2)
            self.status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            self.responseHeaders = HTTPHeaders()
            return
        }
        if line.isEmpty {
            if self.status >= 200 { self.deliverHead() }
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].trimmingSpaces()
        self.responseHeaders.add(name, value)
    }

    /// Returns the number of bytes consumed, 0 to abort, or CURL_WRITEFUNC_PAUSE.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        switch self.delivery {
        case .collect(let maxBytes, _):
            guard self.body.count + bytes.count <= maxBytes else {
                self.callbackFailure = HTTPClientError(.bodyTooLarge, "response body exceeds \(maxBytes) bytes (\(self.request.url))")
                return 0
            }
            if self.body.isEmpty, let length = self.responseHeaders["Content-Length"].flatMap(Int.init), length <= maxBytes {
                self.body.reserveCapacity(length)
            }
            self.body.append(contentsOf: bytes)
            return bytes.count
        case .stream(_, let buffer):
            self.deliverHead()
            return buffer.offer(bytes) ? bytes.count : Int(CURL_WRITEFUNC_PAUSE)
        }
    }

    /// Fills curl's upload buffer from the request body (chunked uploads).
    func sendBody(into destination: UnsafeMutableRawBufferPointer) -> Int {
        let remaining = self.request.body.count - self.uploadOffset
        let count = min(remaining, destination.count)
        guard count > 0 else { return 0 }
        self.request.body.withUnsafeBytes { source in
            destination.baseAddress!.copyMemory(from: source.baseAddress! + self.uploadOffset, byteCount: count)
        }
        self.uploadOffset += count
        return count
    }

    private func deliverHead() {
        guard !self.headDelivered, case .stream(let continuation?, let buffer) = self.delivery else { return }
        self.headDelivered = true
        self.delivery = .stream(nil, buffer)
        let head = HTTPClientResponseHead(status: self.status, headers: self.responseHeaders)
        continuation.resume(returning: HTTPStreamingResponse(head: head, buffer: buffer, cancel: self.makeCancel()))
    }

    // MARK: - Completion

    /// Resolves the caller with the outcome; called once, after the handle left the multi handle.
    func finish(_ error: HTTPClientError?) {
        let error = self.callbackFailure ?? error
        switch self.delivery {
        case .collect(_, let completion):
            if let error {
                completion(.failure(error))
            } else {
                let head = HTTPClientResponseHead(status: self.status, headers: self.responseHeaders)
                let body = self.body
                self.body = []  // hand the only reference to the caller
                completion(.success(HTTPClientResponse(head: head, body: body)))
            }
        case .stream(let continuation, let buffer):
            if let continuation {
                // The transfer ended before any body byte: deliver the head (or the error) now.
                if let error {
                    continuation.resume(throwing: error)
                    buffer.finish(error)
                    return
                }
                self.deliverHead()
            }
            buffer.finish(error)
        }
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" || last == "\n" { slice = slice.dropLast() }
        return String(slice)
    }
}
