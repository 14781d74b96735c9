/// One destination for audit records (`sinks[i]`).
public struct SinkConfig: Sendable {
    /// Unique name used in logs, metrics and state (`name`).
    public var name: String
    /// Which records this sink receives (`filter`); empty accepts everything.
    public var filter: SinkFilter
    /// The sink type and its settings (`type` plus the type's keys).
    public var kind: SinkKind

    /// Creates a sink.
    public init(name: String, filter: SinkFilter = SinkFilter(), kind: SinkKind) {
        self.name = name
        self.filter = filter
        self.kind = kind
    }
}

/// The sink types and their settings.
public enum SinkKind: Sendable {
    /// JSON lines appended to a file (`type: file`).
    case file(FileSinkConfig)
    /// Azure Monitor Logs Ingestion API, i.e. Sentinel / Log Analytics (`type: logs-ingestion`).
    case logsIngestion(LogsIngestionSinkConfig)
    /// Splunk HTTP Event Collector (`type: splunk-hec`).
    case splunkHEC(SplunkHECSinkConfig)
    /// Chat or generic alert webhook for selected record types (`type: alert-webhook`).
    case alertWebhook(AlertWebhookSinkConfig)
    /// JSON lines on standard output (`type: stdout`).
    case stdout

    /// The `type:` value of each kind, in documentation order.
    public static let typeNames = ["file", "logs-ingestion", "splunk-hec", "alert-webhook", "stdout"]

    /// The `type:` value of this kind.
    public var typeName: String {
        switch self {
        case .file: "file"
        case .logsIngestion: "logs-ingestion"
        case .splunkHEC: "splunk-hec"
        case .alertWebhook: "alert-webhook"
        case .stdout: "stdout"
        }
    }
}

/// `type: file`.
public struct FileSinkConfig: Sendable {
    /// Absolute path of the JSON-lines file (`path`).
    public var path: String
    /// Wrap each record as `{tenantId, contentType, contentId, record}` instead of writing it bare (`envelope`, default false).
    public var envelope: Bool
    /// Rotate when the file would grow past this many bytes (`rotateBytes`); nil never rotates.
    public var rotateBytes: Int?

    /// Creates the settings.
    public init(path: String, envelope: Bool = false, rotateBytes: Int? = nil) {
        self.path = path
        self.envelope = envelope
        self.rotateBytes = rotateBytes
    }
}

/// `type: logs-ingestion` (Azure Monitor Logs Ingestion API, DCR-based).
public struct LogsIngestionSinkConfig: Sendable {
    /// DCE or DCR logs-ingestion endpoint, `https://…ingest.monitor.azure.com` (`endpoint`).
    public var endpoint: String
    /// Immutable id of the data collection rule, `dcr-` + 32 hex, lowercase (`dcrImmutableId`).
    public var dcrImmutableId: String
    /// Input stream declared in the DCR, `Custom-…` (or `Microsoft-…` for built-in tables) (`stream`).
    public var stream: String
    /// App registration used for the ingestion token (`credentials`); nil uses the first tenant's credential.
    public var credentials: AzureClientCredentials?
    /// The row layout (`columns`): `standard` (common fields and the whole record in `Record`) or `legacy`
    /// (the Data Collector API's `Name_s`/`_d`/`_b`/`_t`/`_g` columns; docs/legacy-columns.md).
    public var columns: LogsIngestionColumns

    /// Creates the settings.
    public init(endpoint: String, dcrImmutableId: String, stream: String, credentials: AzureClientCredentials? = nil,
                columns: LogsIngestionColumns = .standard) {
        self.endpoint = endpoint
        self.dcrImmutableId = dcrImmutableId
        self.stream = stream
        self.credentials = credentials
        self.columns = columns
    }
}

/// The row layout of a logs-ingestion sink.
public enum LogsIngestionColumns: String, Sendable, CaseIterable {
    case standard
    case legacy
}

/// A client-secret app registration for a sink (`credentials`).
public struct AzureClientCredentials: Sendable {
    /// Tenant of the app registration, lowercase GUID (`tenantId`).
    public var tenantId: String
    /// Application (client) id, lowercase GUID (`clientId`).
    public var clientId: String
    /// Client secret (`clientSecret`).
    public var clientSecret: Secret

    /// Creates the credentials.
    public init(tenantId: String, clientId: String, clientSecret: Secret) {
        self.tenantId = tenantId
        self.clientId = clientId
        self.clientSecret = clientSecret
    }
}

/// `type: splunk-hec`.
public struct SplunkHECSinkConfig: Sendable {
    /// HEC base URL such as `https://splunk.example.com:8088`; the sink appends `/services/collector/event` (`url`).
    public var url: String
    /// HEC token (`token`).
    public var token: Secret
    /// Target index (`index`); nil uses the token's default index.
    public var index: String?
    /// Event sourcetype (`sourcetype`); nil uses the token's default.
    public var sourcetype: String?
    /// Event source (`source`); nil uses the token's default.
    public var source: String?
    /// Event host (`host`); nil lets HEC fill in the sending host.
    public var host: String?
    /// Wait for indexer acknowledgement before a batch counts as delivered (`ack`, default false).
    public var ack: Bool
    /// How often pending acknowledgements are polled (`ackPollInterval`, default 10s, Splunk's guidance).
    public var ackPollInterval: Duration
    /// How long an acknowledgement may stay false before the batch is sent again (`ackTimeout`, default 5m).
    public var ackTimeout: Duration
    /// Most bytes in one request body, event envelopes included (`maxBatchBytes`, default 1 MB, the
    /// Splunk Cloud limit; Splunk Enterprise's `max_content_length` is larger).
    public var maxBatchBytes: Int
    /// PEM CA bundle trusted in addition to the system's, for a HEC with a private CA (`tlsCAFile`).
    public var tlsCAFile: String?

    /// The documented default of ``maxBatchBytes``.
    public static let defaultMaxBatchBytes = 1 << 20

    /// Creates the settings.
    public init(url: String, token: Secret, index: String? = nil, sourcetype: String? = nil,
                source: String? = nil, host: String? = nil, ack: Bool = false,
                ackPollInterval: Duration = .seconds(10), ackTimeout: Duration = .seconds(300),
                maxBatchBytes: Int = SplunkHECSinkConfig.defaultMaxBatchBytes, tlsCAFile: String? = nil) {
        self.url = url
        self.token = token
        self.index = index
        self.sourcetype = sourcetype
        self.source = source
        self.host = host
        self.ack = ack
        self.ackPollInterval = ackPollInterval
        self.ackTimeout = ackTimeout
        self.maxBatchBytes = maxBatchBytes
        self.tlsCAFile = tlsCAFile
    }
}

/// `type: alert-webhook`: posts a short message per matching record to Teams, Slack or any JSON endpoint.
public struct AlertWebhookSinkConfig: Sendable {
    /// Webhook URL (`url`). A secret, because Slack and Teams Workflow URLs embed their credential.
    public var url: Secret
    /// Payload shape (`format`).
    public var format: AlertWebhookFormat
    /// Audit record types (`RecordType`) that raise an alert (`recordTypes`, default 28, 40, 41, 47:
    /// ThreatIntelligence, SecurityComplianceAlerts, ThreatIntelligenceUrl, ThreatIntelligenceAtpContent).
    public var recordTypes: [Int]
    /// At most this many posts per minute; a burst above it ends in one summary message of the rest, nothing is
    /// dropped (`ratePerMinute`, default 30).
    public var ratePerMinute: Int

    /// The documented default of ``recordTypes``.
    public static let defaultRecordTypes = [28, 40, 41, 47]

    /// Creates the settings.
    public init(url: Secret, format: AlertWebhookFormat, recordTypes: [Int] = AlertWebhookSinkConfig.defaultRecordTypes,
                ratePerMinute: Int = 30) {
        self.url = url
        self.format = format
        self.recordTypes = recordTypes
        self.ratePerMinute = ratePerMinute
    }
}

/// Payload shape of an alert webhook.
public enum AlertWebhookFormat: String, Sendable, CaseIterable {
    /// Adaptive Card message for a Teams Workflows webhook.
    case teams
    /// Slack incoming-webhook `{"text": …}`.
    case slack
    /// The record as plain JSON.
    case json
}
