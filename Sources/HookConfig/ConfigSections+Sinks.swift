/// Reader of `sinks:`, including each sink's `filter`.
extension ConfigSections {
    static let sinkHTTPWarning = "uses http://; records and credentials travel unencrypted (use https outside tests)"

    static func sinks(_ node: ConfigNode, tenants: [TenantConfig]?) -> [SinkConfig]? {
        let sinks = node.list(nonEmpty: true, emptyMessage: "at least one sink is required") { element in
            element.mapping().flatMap { Self.sink($0, tenants: tenants) }
        }
        guard let sinks, let elements = node.list() else { return nil }
        // Names key sink state and metrics, so two sinks must never share one.
        let duplicate = Self.reportDuplicates(sinks, at: elements, field: "name", key: \.name) { name, first in
            "duplicate sink name \"\(name)\" (already used by \(first))"
        }
        return duplicate ? nil : sinks
    }

    static func sink(_ m: ConfigMapping, tenants: [TenantConfig]?) -> SinkConfig? {
        let nameNode = m.required("name")
        var name = nameNode?.string()
        if let nameNode, let text = name, !ConfigValidation.isSinkName(text) {
            nameNode.error("expected letters, digits, _ . - (starting with a letter or digit, at most 64), got \"\(ConfigNode.truncated(text))\"")
            name = nil
        }
        let type = m.required("type")?.choice("sink type", accepted: SinkKind.typeNames) { text in
            SinkKind.typeNames.first { $0 == text.lowercased() }
        }
        let filter = m.optional("filter")?.mapping().flatMap { Self.filter($0, tenants: tenants) }
        guard let type else { return nil }  // unknown type: its keys cannot be checked
        let kind: SinkKind?
        switch type {
        case "file": kind = Self.fileSink(m)
        case "logs-ingestion": kind = Self.logsIngestionSink(m)
        case "splunk-hec": kind = Self.splunkSink(m)
        case "alert-webhook": kind = Self.alertWebhookSink(m)
        default: kind = .stdout
        }
        m.finish()
        guard let name, let kind else { return nil }
        return SinkConfig(name: name, filter: filter ?? SinkFilter(), kind: kind)
    }

    static func fileSink(_ m: ConfigMapping) -> SinkKind? {
        let path = m.required("path")?.path()
        let envelope = m.optional("envelope")?.bool() ?? false
        let rotateBytes = m.optional("rotateBytes")?.int(in: 1...Int.max)
        guard let path else { return nil }
        return .file(FileSinkConfig(path: path, envelope: envelope, rotateBytes: rotateBytes))
    }

    static func logsIngestionSink(_ m: ConfigMapping) -> SinkKind? {
        let endpoint = m.required("endpoint")?.url(httpWarning: Self.sinkHTTPWarning, secrets: m.plainHTTPPolicy(carries: "bearer tokens"),
                                                   trimTrailingSlash: true)
        let dcrNode = m.required("dcrImmutableId")
        var dcr = dcrNode?.string()
        if let dcrNode, let text = dcr, !ConfigValidation.isDCRImmutableId(text) {
            dcrNode.error("expected dcr- followed by 32 hex digits, got \"\(ConfigNode.truncated(text))\"")
            dcr = nil
        }
        let streamNode = m.required("stream")
        var stream = streamNode?.string()
        if let streamNode, let text = stream, !Self.isStreamName(text) {
            streamNode.error("expected a DCR stream name such as Custom-O365Audit, got \"\(ConfigNode.truncated(text))\"")
            stream = nil
        }
        let credentials = m.optional("credentials")?.mapping().flatMap(Self.azureCredentials)
        let columns = m.optional("columns")?.choice("column layout", accepted: LogsIngestionColumns.allCases.map(\.rawValue),
                                                    parse: { LogsIngestionColumns(rawValue: $0.lowercased()) }) ?? .standard
        guard let endpoint, let dcr, let stream else { return nil }
        return .logsIngestion(LogsIngestionSinkConfig(endpoint: endpoint, dcrImmutableId: dcr.lowercased(),
                                                      stream: stream, credentials: credentials, columns: columns))
    }

    /// `Custom-<name>` for custom tables, or `Microsoft-<name>` for built-in ones.
    static func isStreamName(_ text: String) -> Bool {
        guard let prefix = ["Custom-", "Microsoft-"].first(where: text.hasPrefix) else { return false }
        let rest = text.dropFirst(prefix.count)
        return !rest.isEmpty && rest.count <= 200
            && rest.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    static func azureCredentials(_ m: ConfigMapping) -> AzureClientCredentials? {
        let tenantId = m.required("tenantId")?.guid()
        let clientId = m.required("clientId")?.guid()
        let clientSecret = m.required("clientSecret")?.secret()
        m.finish()
        guard let tenantId, let clientId, let clientSecret else { return nil }
        return AzureClientCredentials(tenantId: tenantId, clientId: clientId, clientSecret: clientSecret)
    }

    static func splunkSink(_ m: ConfigMapping) -> SinkKind? {
        let url = m.required("url")?.url(httpWarning: Self.sinkHTTPWarning, secrets: m.plainHTTPPolicy(carries: "the HEC token"),
                                         trimTrailingSlash: true)
        let token = m.required("token")?.secret()
        let index = m.optional("index")?.string()
        let sourcetype = m.optional("sourcetype")?.string()
        let source = m.optional("source")?.string()
        let host = m.optional("host")?.string()
        let ack = m.optional("ack")?.bool() ?? false
        let ackPollInterval = m.optional("ackPollInterval")?.duration(minimum: .milliseconds(10), maximum: .seconds(600))
        let ackTimeout = m.optional("ackTimeout")?.duration(minimum: .seconds(1), maximum: .seconds(3600))
        let maxBatchBytes = m.optional("maxBatchBytes")?.int(in: 1024...(1 << 30))
        let tlsCAFile = m.optional("tlsCAFile")?.existingFile()
        guard let url, let token else { return nil }
        return .splunkHEC(SplunkHECSinkConfig(
            url: url, token: token, index: index, sourcetype: sourcetype, source: source, host: host, ack: ack,
            ackPollInterval: ackPollInterval ?? .seconds(10), ackTimeout: ackTimeout ?? .seconds(300),
            maxBatchBytes: maxBatchBytes ?? SplunkHECSinkConfig.defaultMaxBatchBytes, tlsCAFile: tlsCAFile))
    }

    static func alertWebhookSink(_ m: ConfigMapping) -> SinkKind? {
        let url = m.required("url")?.secretURL(httpWarning: Self.sinkHTTPWarning,
                                               secrets: m.plainHTTPPolicy(carries: "the webhook URL, which is its credential"))
        let format = m.required("format")?.choice("format", accepted: AlertWebhookFormat.allCases.map(\.rawValue)) {
            AlertWebhookFormat(rawValue: $0.lowercased())
        }
        let recordTypes = m.optional("recordTypes")?.list(nonEmpty: true) { $0.int(in: 0...1_000_000) }
        let ratePerMinute = m.optional("ratePerMinute")?.int(in: 1...6_000) ?? 30
        guard let url, let format else { return nil }
        return .alertWebhook(AlertWebhookSinkConfig(
            url: url, format: format, recordTypes: recordTypes ?? AlertWebhookSinkConfig.defaultRecordTypes,
            ratePerMinute: ratePerMinute
        ))
    }

    // MARK: - filter

    static let emptyFilterListMessage = "must not be empty (leave the key out to accept every value)"

    static func filter(_ m: ConfigMapping, tenants: [TenantConfig]?) -> SinkFilter? {
        let recordTypes = m.optional("recordTypes")?.list(nonEmpty: true, emptyMessage: Self.emptyFilterListMessage) {
            $0.int(in: 0...1_000_000)
        }
        let contentTypes = m.optional("contentTypes")?.contentTypeList()
        let workloads = m.optional("workloads")?.list(nonEmpty: true, emptyMessage: Self.emptyFilterListMessage) {
            $0.string()
        }
        let operations = m.optional("operations")?.list(nonEmpty: true, emptyMessage: Self.emptyFilterListMessage) {
            $0.string()
        }
        let filterTenants = m.optional("tenants")?.list(nonEmpty: true, emptyMessage: Self.emptyFilterListMessage) {
            Self.tenantReference($0, tenants: tenants)
        }
        m.finish()
        return SinkFilter(recordTypes: recordTypes, contentTypes: contentTypes, workloads: workloads,
                          operations: operations, tenants: filterTenants)
    }

    /// A tenant named by its tenant id or its `name`; returns the tenant id. When the tenants section
    /// itself was invalid, any GUID is accepted so that its problems are not reported twice.
    static func tenantReference(_ node: ConfigNode, tenants: [TenantConfig]?) -> String? {
        guard let text = node.string() else { return nil }
        guard let tenants else { return ConfigValidation.isGUID(text) ? text.lowercased() : text }
        if let tenant = tenants.first(where: { $0.tenantId == text.lowercased() || $0.name == text }) {
            return tenant.tenantId
        }
        node.error("unknown tenant \"\(ConfigNode.truncated(text))\" (expected the tenantId or name of a configured tenant)")
        return nil
    }
}
