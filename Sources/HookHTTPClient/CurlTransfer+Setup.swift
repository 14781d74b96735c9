internal import CCurl
internal import CHookShim

extension CurlTransfer {
    /// Applies the request and client settings to the easy handle. Every setopt goes through
    /// `CurlResult.check`, so a refused option is an error rather than a silently different request.
    func configure(_ configuration: HTTPClientConfiguration, caStore: CAStore?, share: UnsafeMutableRawPointer?) throws {
        guard let h = self.easy else { throw HTTPClientError(.transfer, "transfer has no easy handle") }
        let request = self.request
        try CurlResult.check(ahk_curl_setopt_str(h, CURLOPT_URL, request.url), "CURLOPT_URL")
        // Only http(s); never follow redirects, so a bearer token is never sent to another host.
        try CurlResult.check(ahk_curl_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https"), "CURLOPT_PROTOCOLS_STR")
        try CurlResult.check(ahk_curl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0), "CURLOPT_FOLLOWLOCATION")
        try CurlResult.check(ahk_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        try CurlResult.check(ahk_curl_setopt_ptr(h, CURLOPT_ERRORBUFFER, self.errorBuffer), "CURLOPT_ERRORBUFFER")
        // "" enables every encoding this libcurl was built with (gzip, deflate, br, zstd).
        try CurlResult.check(ahk_curl_setopt_str(h, CURLOPT_ACCEPT_ENCODING, ""), "CURLOPT_ACCEPT_ENCODING")
        let version = configuration.httpVersion == .http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1
        try CurlResult.check(ahk_curl_setopt_long(h, CURLOPT_HTTP_VERSION, Int(version)), "CURLOPT_HTTP_VERSION")
        try CurlResult.check(
            ahk_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.curlMilliseconds),
            "CURLOPT_CONNECTTIMEOUT_MS")
        // Every request has a total deadline, by kind (a streamed blob's covers its paused time too).
        let timeout = request.timeout ?? configuration.deadline(for: request.kind)
        try CurlResult.check(ahk_curl_setopt_long(h, CURLOPT_TIMEOUT_MS, timeout.curlMilliseconds), "CURLOPT_TIMEOUT_MS")
        try self.configureStallDetection(configuration)
        try self.configureProxy(configuration)
        try CurlResult.check(ahk_curl_setopt_long(h, CURLOPT_BUFFERSIZE, 64 * 1024), "CURLOPT_BUFFERSIZE")
        try CurlResult.check(ahk_curl_setopt_str(h, CURLOPT_USERAGENT, configuration.userAgent), "CURLOPT_USERAGENT")
        // One parsed trust store and one TLS session cache for every connection (docs/tls-performance.md).
        if request.url.utf8.starts(with: "https:".utf8) || request.url.utf8.starts(with: "HTTPS:".utf8) || configuration.proxy != nil {
            try caStore?.attach(to: h)
        }
        if let share { try CurlResult.check(ahk_curl_setopt_ptr(h, CURLOPT_SHARE, share), "CURLOPT_SHARE") }
        if let certificate = configuration.clientCertificateFile {
            try CurlResult.check(ahk_curl_setopt_str(h, CURLOPT_SSLCERT, certificate), "CURLOPT_SSLCERT")
        }
        if let key = configuration.clientKeyFile {
            try CurlResult.check(ahk_curl_setopt_str(h, CURLOPT_SSLKEY, key), "CURLOPT_SSLKEY")
        }
        try self.configureMethodAndBody()
        try self.configureHeaders()
        try self.configureCallbacks()
    }

    /// The low-speed limit, TCP keepalive and TCP_USER_TIMEOUT (docs/stalled-transfers.md).
    ///
    /// libcurl does not speed-check a paused transfer: `Curl_speedcheck` (lib/speedcheck.c) returns at
    /// once while the receive or send direction is paused, so a transfer held by our slow-consumer
    /// back-pressure (`CURL_WRITEFUNC_PAUSE`) never trips the limit; only a peer that stops sending does.
    private func configureStallDetection(_ configuration: HTTPClientConfiguration) throws {
        guard let h = self.easy else { return }
        try CurlResult.check(ahk_curl_setopt_long(h, CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedBytes), "CURLOPT_LOW_SPEED_LIMIT")
        // curl counts the low-speed time in whole seconds.
        let lowSpeedSeconds = max(1, (configuration.lowSpeedTime.curlMilliseconds + 999) / 1000)
        try CurlResult.check(ahk_curl_setopt_long(h, CURLOPT_LOW_SPEED_TIME, lowSpeedSeconds), "CURLOPT_LOW_SPEED_TIME")
        try CurlResult.check(ahk_curl_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1), "CURLOPT_TCP_KEEPALIVE")
        let idle = max(1, configuration.keepAliveIdle.curlMilliseconds / 1000)
        let interval = max(1, configuration.keepAliveInterval.curlMilliseconds / 1000)
        try CurlResult.check(ahk_curl_setopt_long(h, CURLOPT_TCP_KEEPIDLE, idle), "CURLOPT_TCP_KEEPIDLE")
        try CurlResult.check(ahk_curl_setopt_long(h, CURLOPT_TCP_KEEPINTVL, interval), "CURLOPT_TCP_KEEPINTVL")
        // Unacknowledged data (or unanswered keepalive probes) past the low-speed time fail the socket:
        // a half-open connection then fails every stream multiplexed on it.
        let userTimeout = UInt32(clamping: configuration.lowSpeedTime.curlMilliseconds)
        try CurlResult.check(ahk_curl_set_tcp_user_timeout(h, userTimeout), "CURLOPT_SOCKOPTFUNCTION")
    }

    /// An explicit proxy, and never a proxy's CONNECT answer mistaken for the response (docs/proxies.md).
    private func configureProxy(_ configuration: HTTPClientConfiguration) throws {
        guard let h = self.easy else { return }
        // Without this, a tunnel's "HTTP/1.1 200 Connection established" block reaches the header
        // callback first and would be delivered as the response's head.
        try CurlResult.check(ahk_curl_setopt_long(h, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1), "CURLOPT_SUPPRESS_CONNECT_HEADERS")
        if let proxy = configuration.proxy {
            try CurlResult.check(ahk_curl_setopt_str(h, CURLOPT_PROXY, proxy), "CURLOPT_PROXY")
        }
        if let noProxy = configuration.noProxy {
            try CurlResult.check(ahk_curl_setopt_str(h, CURLOPT_NOPROXY, noProxy), "CURLOPT_NOPROXY")
        }
    }

    private func configureMethodAndBody() throws {
        guard let h = self.easy else { return }
        let method = self.request.method.uppercased()
        let hasBody = !self.request.body.isEmpty || self.request.chunkedUpload || method == "POST" || method == "PUT"
        if method == "HEAD" {
            try CurlResult.check(ahk_curl_setopt_long(h, CURLOPT_NOBODY, 1), "CURLOPT_NOBODY")
        } else if hasBody {
            try CurlResult.check(ahk_curl_setopt_long(h, CURLOPT_POST, 1), "CURLOPT_POST")
            if self.request.chunkedUpload {
                try CurlResult.check(ahk_curl_setopt_read_cb(h, CURLOPT_READFUNCTION, curlRead), "CURLOPT_READFUNCTION")
                try CurlResult.check(ahk_curl_setopt_ptr(h, CURLOPT_READDATA, self.userdata), "CURLOPT_READDATA")
            } else {
                // COPYPOSTFIELDS copies the bytes, so the request may be released before the transfer ends.
                try CurlResult.check(
                    ahk_curl_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(self.request.body.count)),
                    "CURLOPT_POSTFIELDSIZE_LARGE")
                // An empty body still needs a valid pointer, or curl would read the body from stdin.
                let body = self.request.body.isEmpty ? [0] : self.request.body
                try body.withUnsafeBytes { bytes in
                    let pointer = UnsafeMutableRawPointer(mutating: bytes.baseAddress)
                    try CurlResult.check(ahk_curl_setopt_ptr(h, CURLOPT_COPYPOSTFIELDS, pointer), "CURLOPT_COPYPOSTFIELDS")
                }
            }
        }
        if method != "GET" && method != "POST" && method != "HEAD" {
            try CurlResult.check(ahk_curl_setopt_str(h, CURLOPT_CUSTOMREQUEST, method), "CURLOPT_CUSTOMREQUEST")
        }
    }

    private func configureHeaders() throws {
        // "Expect:" stops curl from waiting for 100-continue before large bodies (a wasted round trip).
        var lines = ["Expect:"]
        curl_slist_free_all(self.headerList)  // a transfer configured again on a new handle starts afresh
        self.headerList = nil
        if self.request.chunkedUpload { lines.append("Transfer-Encoding: chunked") }
        for (name, value) in self.request.headers {
            guard !name.contains(where: { $0 == "\r" || $0 == "\n" || $0 == ":" }),
                  !value.contains(where: { $0 == "\r" || $0 == "\n" })
            else { throw HTTPClientError(.invalidRequest, "header \(name) contains a line break or colon") }
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        for line in lines {
            guard let appended = curl_slist_append(self.headerList, line) else {
                throw HTTPClientError(.transfer, "curl_slist_append failed")
            }
            self.headerList = appended
        }
        try CurlResult.check(ahk_curl_setopt_slist(self.easy!, CURLOPT_HTTPHEADER, self.headerList), "CURLOPT_HTTPHEADER")
    }

    private func configureCallbacks() throws {
        guard let h = self.easy else { return }
        try CurlResult.check(ahk_curl_setopt_write_cb(h, CURLOPT_WRITEFUNCTION, curlWrite), "CURLOPT_WRITEFUNCTION")
        try CurlResult.check(ahk_curl_setopt_ptr(h, CURLOPT_WRITEDATA, self.userdata), "CURLOPT_WRITEDATA")
        try CurlResult.check(ahk_curl_setopt_write_cb(h, CURLOPT_HEADERFUNCTION, curlHeader), "CURLOPT_HEADERFUNCTION")
        try CurlResult.check(ahk_curl_setopt_ptr(h, CURLOPT_HEADERDATA, self.userdata), "CURLOPT_HEADERDATA")
    }

    /// The callbacks' userdata. Unretained: the loop's transfer table keeps the object alive until
    /// the easy handle has left the multi handle, after which no callback can fire.
    var userdata: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}

// MARK: - Trampolines (non-capturing; `self` recovered from userdata)

private let curlWrite: curl_write_callback = { data, size, count, userdata in
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
}

private let curlHeader: curl_write_callback = { data, size, count, userdata in
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    var bytes = UnsafeRawBufferPointer(start: data, count: size * count)[...]
    // Trim CR/LF on bytes: in Swift "\r\n" is one Character, so String suffix checks would miss it.
    while let last = bytes.last, last == 0x0A || last == 0x0D { bytes = bytes.dropLast() }
    transfer.receiveHeaderLine(String(decoding: bytes, as: UTF8.self))
    return size * count
}

private let curlRead: curl_read_callback = { buffer, size, count, userdata in
    guard let userdata, let buffer else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.sendBody(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
}
