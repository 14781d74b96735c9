/// Redacted YAML of sinks and their filters.
extension SinkConfig {
    var redacted: RedactedYAML {
        var pairs: [(String, RedactedYAML)] = [("name", .string(self.name)), ("type", .string(self.kind.typeName))]
        switch self.kind {
        case .file(let file):
            pairs += [
                ("path", .string(file.path)),
                ("envelope", .plain(String(file.envelope))),
                ("rotateBytes", .optional(file.rotateBytes.map(String.init))),
            ]
        case .logsIngestion(let sink):
            pairs += [
                ("endpoint", .string(sink.endpoint)),
                ("dcrImmutableId", .string(sink.dcrImmutableId)),
                ("columns", .string(sink.columns.rawValue)),
                ("stream", .string(sink.stream)),
            ]
            if let credentials = sink.credentials {
                pairs.append(("credentials", .mapping([
                    ("tenantId", .string(credentials.tenantId)),
                    ("clientId", .string(credentials.clientId)),
                    ("clientSecret", .secret(credentials.clientSecret)),
                ])))
            }
        case .splunkHEC(let sink):
            pairs += [
                ("url", .string(sink.url)),
                ("token", .secret(sink.token)),
                ("index", .optional(sink.index)),
                ("sourcetype", .optional(sink.sourcetype)),
                ("source", .optional(sink.source)),
                ("host", .optional(sink.host)),
                ("ack", .plain(String(sink.ack))),
                ("ackPollInterval", .plain(ConfigDuration.format(sink.ackPollInterval))),
                ("ackTimeout", .plain(ConfigDuration.format(sink.ackTimeout))),
                ("maxBatchBytes", .plain(String(sink.maxBatchBytes))),
                ("tlsCAFile", .optional(sink.tlsCAFile)),
            ]
        case .alertWebhook(let sink):
            pairs += [
                ("url", .secret(sink.url)),
                ("format", .string(sink.format.rawValue)),
                ("recordTypes", .list(sink.recordTypes.map { .plain(String($0)) })),
                ("ratePerMinute", .plain(String(sink.ratePerMinute))),
            ]
        case .stdout:
            break
        }
        if !self.filter.isEmpty {
            pairs.append(("filter", self.filter.redacted))
        }
        return .mapping(pairs)
    }
}

extension SinkFilter {
    var redacted: RedactedYAML {
        var pairs: [(String, RedactedYAML)] = []
        if let recordTypes { pairs.append(("recordTypes", .list(recordTypes.map { .plain(String($0)) }))) }
        if let contentTypes { pairs.append(("contentTypes", .list(contentTypes.map { .string($0.rawValue) }))) }
        if let workloads { pairs.append(("workloads", .list(workloads.map(RedactedYAML.string)))) }
        if let operations { pairs.append(("operations", .list(operations.map(RedactedYAML.string)))) }
        if let tenants { pairs.append(("tenants", .list(tenants.map(RedactedYAML.string)))) }
        return .mapping(pairs)
    }
}
