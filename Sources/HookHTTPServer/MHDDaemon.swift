internal import CHookShim
internal import CMicroHTTPD
import Glibc

/// Owns one `MHD_Daemon`: started in `init`, stopped exactly once by `stop()` or `deinit`.
///
/// Threading mode, chosen by measurement (docs/c-interop.md): an internal polling thread with epoll
/// and a thread pool reached 0.92–0.94× a bare C server, against 0.96× for a single epoll thread at
/// lower absolute throughput and 1.8× the CPU per request for thread-per-connection.
// Invariant for @unchecked Sendable: `daemon` and `listenSocket` change only in `quiesce()` and `stop()`,
// which `HTTPServer` calls from its own serialized shutdown path; `keepListener` is set before that shutdown
// begins and `handedOver` read after `run()` returned; MHD's own functions are thread-safe.
final class MHDDaemon: @unchecked Sendable {
    private var daemon: OpaquePointer?
    private var quiescedSocket: Int32 = -1
    private let core: Unmanaged<ServerCore>
    /// PEM strings handed to MHD; kept alive for the daemon's lifetime.
    private var retainedStrings: [UnsafeMutablePointer<CChar>] = []
    let port: UInt16

    init(configuration: HTTPServerConfiguration, core: ServerCore) throws {
        let corePointer = Unmanaged.passRetained(core)
        self.core = corePointer
        var kept: [UnsafeMutablePointer<CChar>] = []
        var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue
            | MHD_ALLOW_SUSPEND_RESUME.rawValue | MHD_USE_ITC.rawValue  // ITC: MHD_quiesce_daemon in every mode
        var options: [MHD_OptionItem] = [
            ahk_mhd_option(MHD_OPTION.CONNECTION_LIMIT, max(1, configuration.connectionLimit), nil),
            ahk_mhd_option(MHD_OPTION.CONNECTION_TIMEOUT, max(1, configuration.connectionTimeoutSeconds), nil),
            // Function pointers go in `value`, their closure in `ptr_value` (MHD's rule for two-pointer options).
            ahk_mhd_option(
                MHD_OPTION.NOTIFY_COMPLETED, unsafeBitCast(mhdCompleted, to: Int.self), corePointer.toOpaque()),
        ]
        if configuration.perIPConnectionLimit > 0 {
            options.append(ahk_mhd_option(MHD_OPTION.PER_IP_CONNECTION_LIMIT, configuration.perIPConnectionLimit, nil))
        }
        if core.deadlines != nil {
            options.append(ahk_mhd_option(
                MHD_OPTION.NOTIFY_CONNECTION, unsafeBitCast(mhdConnection, to: Int.self), corePointer.toOpaque()))
        }
        if configuration.threads > 1 {
            options.append(ahk_mhd_option(MHD_OPTION.THREAD_POOL_SIZE, configuration.threads, nil))
        }
        if let tls = configuration.tls {
            guard MHD_is_feature_supported(MHD_FEATURE.FEATURE_TLS) == MHD_Result.YES else {
                throw HTTPServerError(.tlsUnsupported, "this libmicrohttpd build has no TLS support (MHD_FEATURE.FEATURE_TLS)")
            }
            flags |= MHD_USE_TLS.rawValue
            options.append(ahk_mhd_option(MHD_OPTION.HTTPS_MEM_KEY, 0, Self.keep(&kept, tls.privateKeyPEM)))
            options.append(ahk_mhd_option(MHD_OPTION.HTTPS_MEM_CERT, 0, Self.keep(&kept, tls.certificatePEM)))
            if let ca = tls.clientCAPEM {
                options.append(ahk_mhd_option(MHD_OPTION.HTTPS_MEM_TRUST, 0, Self.keep(&kept, ca)))
            }
        }
        options.append(ahk_mhd_option(MHD_OPTION.END, 0, nil))

        var error: Int32 = 0
        let started = Self.withProcessSignalsBlocked {
            options.withUnsafeBufferPointer { items in
                ahk_mhd_start(flags, configuration.host, configuration.port, configuration.listenFD ?? -1, mhdAccess, corePointer.toOpaque(),
                              items.baseAddress, &error)
            }
        }
        guard let started else {
            corePointer.release()
            kept.forEach { free($0) }
            if error == -1 {
                throw HTTPServerError(.invalidAddress, "\(configuration.host) is not an IPv4 or IPv6 address")
            }
            let reason = error == 0 ? "unknown error" : String(cString: strerror(error))
            throw HTTPServerError(
                .startFailed, "cannot listen on \(configuration.host):\(configuration.port): \(reason)"
                    + (configuration.tls != nil ? " (or the TLS certificate/key was rejected)" : ""))
        }
        self.daemon = started
        self.retainedStrings = kept
        self.port = ahk_mhd_bound_port(started)
    }

    /// libmicrohttpd's threads inherit the signal mask of the thread that starts them. Blocking
    /// SIGINT/SIGTERM around the start keeps shutdown signals away from them, so only the process's
    /// own signal handling (service-lifecycle) sees them (docs/c-interop.md).
    private static func withProcessSignalsBlocked<T>(_ body: () -> T) -> T {
        var blocked = sigset_t()
        var previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGINT)
        sigaddset(&blocked, SIGTERM)
        sigaddset(&blocked, SIGHUP)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return body()
    }

    private static func keep(_ kept: inout [UnsafeMutablePointer<CChar>], _ string: String) -> UnsafeMutableRawPointer? {
        guard let copy = strdup(string) else { return nil }
        kept.append(copy)
        return UnsafeMutableRawPointer(copy)
    }

    /// Stops accepting new connections; existing ones continue to be served.
    func quiesce() {
        guard let daemon, self.quiescedSocket < 0 else { return }
        self.quiescedSocket = MHD_quiesce_daemon(daemon)
    }

    /// With `keepListener`, `stop()` leaves the quiesced listening socket open, without FD_CLOEXEC, for a
    /// process that replaces this one (a reload, docs/systemd.md); ``handedOver`` is then its descriptor.
    var keepListener = false
    private(set) var handedOver: Int32?

    /// Stops the daemon's threads and closes every connection. All connections must have been resumed.
    func stop() {
        guard let daemon else { return }
        self.daemon = nil
        MHD_stop_daemon(daemon)
        self.core.takeUnretainedValue().deadlines?.stop()
        // The quiesced listen socket may be closed only after MHD_stop_daemon (MHD's documented rule).
        if self.quiescedSocket >= 0 {
            if self.keepListener {
                let flags = fcntl(self.quiescedSocket, F_GETFD)
                if flags >= 0 { _ = fcntl(self.quiescedSocket, F_SETFD, flags & ~FD_CLOEXEC) }
                self.handedOver = self.quiescedSocket
            } else {
                close(self.quiescedSocket)
            }
        }
        self.quiescedSocket = -1
        self.core.release()
        self.retainedStrings.forEach { free($0) }
        self.retainedStrings = []
    }

    deinit { self.stop() }
}

// MARK: - Trampolines: non-capturing C functions that recover the Swift object from `cls`.

private let mhdAccess: MHD_AccessHandlerCallback = { cls, connection, url, method, _, upload, uploadSize, reqCls in
    guard let cls, let connection, let uploadSize, let reqCls else { return MHD_Result.NO }
    let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
    return core.access(
        connection, url: url.map { String(cString: $0) } ?? "/", method: method.map { String(cString: $0) } ?? "",
        upload: upload, uploadSize: uploadSize, reqCls: reqCls)
}

private let mhdCompleted: MHD_RequestCompletedCallback = { cls, _, reqCls, _ in
    guard let cls else { return }
    Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue().completed(reqCls)
}

private let mhdConnection: MHD_NotifyConnectionCallback = { cls, connection, _, event in
    guard let cls, let connection, let deadlines = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue().deadlines else { return }
    if event == MHD_ConnectionNotificationCode.CONNECTION_NOTIFY_STARTED {
        deadlines.started(connection, fd: ahk_mhd_connection_fd(connection))
    } else {
        deadlines.closed(connection)
    }
}
