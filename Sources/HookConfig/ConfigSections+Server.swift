/// Readers of the single-mapping sections: `server`, `state`, `api`, `workers`, `poller`.
extension ConfigSections {
    static let microsoftHTTPWarning =
        "uses http://; Microsoft only talks https, so this works only against a local simulator or in tests"

    static func server(_ m: ConfigMapping) -> ServerConfig {
        let defaults = ServerConfig(publicURL: "", authId: Secret(""))
        let listen = m.optional("listen")?.listenAddress() ?? defaults.listen
        let path = m.optional("path")?.urlPath() ?? defaults.path
        let publicURL = m.required("publicUrl")?.url(httpWarning: Self.microsoftHTTPWarning) ?? ""
        let authNode = m.required("authId")
        let authId = authNode?.secret() ?? Secret("")
        if let authNode, !authId.isEmpty, !ConfigValidation.isHeaderSafe(authId.reveal()) {
            // Microsoft echoes it in the Webhook-AuthID header, so it must be a valid header value.
            authNode.error("must be printable ASCII (it is sent as the Webhook-AuthID header)")
        }
        let maxBodyBytes = m.optional("maxBodyBytes")?.int(in: 1...(1 << 30)) ?? defaults.maxBodyBytes
        let tls = m.optional("tls")?.mapping().map(Self.tls)
        let connectionLimit = m.optional("connectionLimit")?.int(in: 1...1_000_000) ?? defaults.connectionLimit
        // libmicrohttpd counts connection timeouts in whole seconds.
        let connectionTimeout = m.optional("connectionTimeout")?.duration(minimum: .seconds(1), maximum: .seconds(3_600))
            ?? defaults.connectionTimeout
        let threads = m.optional("threads")?.int(in: 1...64) ?? defaults.threads
        let perIP = m.optional("perIPConnectionLimit")?.int(in: 1...1_000_000)  // nil: the default for tls or not
        let headerTimeout = m.optional("headerTimeout")?.duration(minimum: .milliseconds(100), maximum: .seconds(3_600))
            ?? defaults.headerTimeout
        let bodyTimeout = m.optional("bodyTimeout")?.duration(minimum: .milliseconds(100), maximum: .seconds(3_600))
            ?? defaults.bodyTimeout
        let adminOnPublic = m.optional("adminOnPublicListener")?.bool()
        let adminNode = m.optional("adminListen")
        let adminListen = adminNode?.listenAddress()
        if let adminNode, let adminListen, adminListen == listen, listen.port != 0 {
            adminNode.error("must differ from server.listen (\(listen))")
        }
        let healthz = m.optional("healthz")?.bool() ?? defaults.healthz
        let metrics = m.optional("metrics")?.bool() ?? defaults.metrics
        let webhookExpiration = m.optional("webhookExpiration")?.duration(minimum: .seconds(6 * 3_600), maximum: .seconds(3_650 * 86_400))
        m.finish()
        return ServerConfig(
            listen: listen, path: path, publicURL: publicURL, authId: authId, maxBodyBytes: maxBodyBytes,
            tls: tls, connectionLimit: connectionLimit, connectionTimeout: connectionTimeout, threads: threads,
            perIPConnectionLimit: perIP, headerTimeout: headerTimeout, bodyTimeout: bodyTimeout,
            adminListen: adminListen, adminOnPublicListener: adminOnPublic, healthz: healthz, metrics: metrics, webhookExpiration: webhookExpiration
        )
    }

    static func tls(_ m: ConfigMapping) -> TLSConfig {
        let certificate = m.required("certificate")?.existingFile() ?? ""
        let privateKey = m.required("privateKey")?.existingFile() ?? ""
        let clientCA = m.optional("clientCA")?.existingFile()
        let clientNameNode = m.optional("clientName")
        let clientName = clientNameNode?.string()
        if let clientNameNode, clientCA == nil { clientNameNode.warn("has no effect without server.tls.clientCA") }
        if let clientNameNode, let name = clientName,
           name != "*", name.isEmpty || name.contains(where: { !($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "*") }) {
            clientNameNode.error("must be a DNS name such as manage.office.com, or \"*\" for any name from the CA")
        }
        m.finish()
        return TLSConfig(certificate: certificate, privateKey: privateKey, clientCA: clientCA, clientName: clientName)
    }

    static func state(_ m: ConfigMapping) -> StateConfig {
        let path = m.required("path")?.path() ?? ""
        // At least 8 days: a done blob forgotten while a notice for it is still plausible (7 days + margins,
        // docs/receiver-hardening.md) would be recorded and forwarded again.
        let doneRetention = m.optional("doneRetention")?.duration(minimum: .seconds(8 * 86_400), maximum: .seconds(3_650 * 86_400))
            ?? StateConfig(path: "").doneRetention
        let maxPending = m.optional("maxPendingPerContentType")?.int(in: 0...100_000_000) ?? StateConfig(path: "").maxPendingPerContentType
        m.finish()
        return StateConfig(path: path, doneRetention: doneRetention, maxPendingPerContentType: maxPending)
    }

    static func api(_ m: ConfigMapping) -> APIConfig {
        let defaults = APIConfig()
        let cloud = m.optional("cloud")?.choice("cloud", accepted: Cloud.allCases.map(\.rawValue),
                                                parse: Cloud.init(configValue:)) ?? defaults.cloud
        let publisherId = m.optional("publisherId")?.guid()
        let insecure = m.plainHTTPPolicy(carries: "the app's credential and bearer tokens")
        let apiRoot = m.optional("apiRoot")?.url(httpWarning: Self.microsoftHTTPWarning, secrets: insecure, trimTrailingSlash: true)
        let loginURL = m.optional("loginUrl")?.url(httpWarning: Self.microsoftHTTPWarning, secrets: insecure, trimTrailingSlash: true)
        let proxy = m.optional("proxy")?.proxyURL(policy: insecure)
        let noProxy = m.optional("noProxy")?.string()
        let caFile = m.optional("caFile")?.existingFile()
        let tokenEndpoint = m.optional("tokenEndpoint")?.choice(
            "token endpoint", accepted: TokenEndpoint.allCases.map(\.rawValue),
            parse: { TokenEndpoint(rawValue: $0.lowercased()) }
        ) ?? defaults.tokenEndpoint
        let requestsPerMinute = m.optional("requestsPerMinute")?.int(in: 1...1_000_000) ?? defaults.requestsPerMinute
        let requestWindowSeconds = m.optional("requestWindowSeconds")?.int(in: 1...60) ?? defaults.requestWindowSeconds
        let httpVersion = m.optional("httpVersion")?.choice(
            "HTTP version", accepted: HTTPVersion.allCases.map(\.rawValue),
            parse: { HTTPVersion(rawValue: $0 == "2.0" ? "2" : $0) }
        ) ?? defaults.httpVersion
        m.finish()
        var api = APIConfig(cloud: cloud, publisherId: publisherId, apiRoot: apiRoot, loginURL: loginURL,
                            caFile: caFile, tokenEndpoint: tokenEndpoint, requestsPerMinute: requestsPerMinute,
                            requestWindowSeconds: requestWindowSeconds)
        api.proxy = proxy
        api.noProxy = noProxy
        api.allowInsecureHTTP = insecure.allowed
        api.httpVersion = httpVersion
        return api
    }

    static func workers(_ m: ConfigMapping) -> WorkersConfig {
        let defaults = WorkersConfig()
        let concurrency = m.optional("concurrency")?.int(in: 1...256) ?? defaults.concurrency
        let maxAttempts = m.optional("maxAttempts")?.int(in: 1...1_000) ?? defaults.maxAttempts
        let priority = m.optional("priority")?.contentTypeList() ?? defaults.priority
        m.finish()
        return WorkersConfig(concurrency: concurrency, maxAttempts: maxAttempts, priority: priority)
    }

    static func poller(_ m: ConfigMapping) -> PollerConfig {
        let defaults = PollerConfig()
        let intervalNode = m.optional("interval")
        let interval = intervalNode?.duration(minimum: .seconds(1), maximum: .seconds(86_400)) ?? defaults.interval
        if let intervalNode, interval < .seconds(60) {
            intervalNode.warn("is under 1m; fine for tests, but every poll lists each tenant's content types "
                + "against a 2,000 requests/min per-tenant quota")
        }
        // Content expires 7 days after it becomes available, so looking further back finds nothing.
        let week = Duration.seconds(7 * 86_400)
        let overlap = m.optional("overlap")?.duration(minimum: .zero, maximum: week) ?? defaults.overlap
        let initialLookback = m.optional("initialLookback")?.duration(minimum: .seconds(1), maximum: week)
            ?? defaults.initialLookback
        m.finish()
        return PollerConfig(interval: interval, overlap: overlap, initialLookback: initialLookback)
    }
}
