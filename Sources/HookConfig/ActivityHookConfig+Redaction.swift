/// The redacted dump printed by `activityhook check-config`.
extension ActivityHookConfig {
    /// The effective config as YAML (defaults filled in, paths absolute, names normalised) with every
    /// secret replaced by `<redacted>`. Safe to print and to attach to bug reports.
    public func redactedYAML() -> String {
        RedactedYAML.mapping([
            ("server", self.server.redacted),
            ("state", .mapping([("path", .string(self.state.path))])),
            ("api", self.api.redacted),
            ("tenants", .list(self.tenants.map(\.redacted))),
            ("workers", .mapping([
                ("concurrency", .plain(String(self.workers.concurrency))),
                ("maxAttempts", .plain(String(self.workers.maxAttempts))),
            ])),
            ("poller", .mapping([
                ("interval", .plain(ConfigDuration.format(self.poller.interval))),
                ("overlap", .plain(ConfigDuration.format(self.poller.overlap))),
                ("initialLookback", .plain(ConfigDuration.format(self.poller.initialLookback))),
            ])),
            ("sinks", .list(self.sinks.map(\.redacted))),
        ]).render()
    }
}

extension ServerConfig {
    var redacted: RedactedYAML {
        var pairs: [(String, RedactedYAML)] = [
            ("listen", .string(self.listen.description)),
            ("path", .string(self.path)),
            ("publicUrl", .string(self.publicURL)),
            ("authId", .secret(self.authId)),
            ("maxBodyBytes", .plain(String(self.maxBodyBytes))),
            ("connectionLimit", .plain(String(self.connectionLimit))),
            ("connectionTimeout", .plain(ConfigDuration.format(self.connectionTimeout))),
            ("threads", .plain(String(self.threads))),
            ("adminListen", .optional(self.adminListen?.description)),
            ("healthz", .plain(String(self.healthz))),
            ("metrics", .plain(String(self.metrics))),
            ("webhookExpiration", .optional(self.webhookExpiration.map(ConfigDuration.format))),
        ]
        if let tls = self.tls {
            pairs.append(("tls", .mapping([
                ("certificate", .string(tls.certificate)),
                ("privateKey", .string(tls.privateKey)),
                ("clientCA", .optional(tls.clientCA)),
                ("clientName", .optional(tls.clientName)),
            ])))
        }
        return .mapping(pairs)
    }
}

extension APIConfig {
    var redacted: RedactedYAML {
        .mapping([
            ("cloud", .string(self.cloud.rawValue)),
            ("publisherId", .optional(self.publisherId)),
            ("apiRoot", .string(self.resolvedAPIRoot)),
            ("loginUrl", .string(self.resolvedLoginURL)),
            ("caFile", .optional(self.caFile)),
            ("tokenEndpoint", .string(self.tokenEndpoint.rawValue)),
            ("requestsPerMinute", .plain(String(self.requestsPerMinute))),
            ("proxy", self.proxy.map(RedactedYAML.secret) ?? .optional(nil)),
            ("noProxy", .optional(self.noProxy)),
            ("allowInsecureHTTP", .plain(String(self.allowInsecureHTTP))),
            ("requestWindowSeconds", .plain(String(self.requestWindowSeconds))),
            ("httpVersion", .string(self.httpVersion.rawValue)),
        ])
    }
}

extension TenantConfig {
    var redacted: RedactedYAML {
        var pairs: [(String, RedactedYAML)] = [
            ("name", .optional(self.name)),
            ("tenantId", .string(self.tenantId)),
            ("clientId", .string(self.clientId)),
        ]
        switch self.credential {
        case .clientSecret(let secret):
            pairs.append(("clientSecret", .secret(secret)))
        case .certificate(let certificate):
            pairs.append(("certificate", .mapping([
                ("certificate", .string(certificate.certificate)),
                ("privateKey", .string(certificate.privateKey)),
                ("algorithm", .string(certificate.algorithm.rawValue)),
            ])))
        }
        pairs.append(("contentTypes", .list(self.contentTypes.map { .string($0.rawValue) })))
        return .mapping(pairs)
    }
}
