// swift-tools-version:6.1
// ActivityHook: Office 365 Management Activity API webhook receiver and forwarder.
//
// Layering (see ARCHITECTURE.md):
//   C system libraries  ->  one Swift owner module each  ->  pure-Swift domain modules  ->  CLI
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]
// The test doubles (simulator, sink fakes) are optimised even in debug builds: end-to-end tests push
// 100,000-record blobs through them, and an unoptimised pure-Swift gunzip and JSON scan would dominate.
let testDoubleSettings: [SwiftSetting] = swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "ActivityHook",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "activityhook", targets: ["ActivityHookCLI"]),
        .executable(name: "activityhook-fixture", targets: ["ActivityHookFixture"]),
        .executable(name: "activityhook-sim", targets: ["ActivityHookSim"]),
    ],
    dependencies: [
        // CLI parsing with help on every option (issue 2 §7).
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Structured logging with constant messages and metadata.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Services with graceful shutdown on SIGTERM/SIGINT.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // YAML parsing for the one config file (libyaml, vendored by Yams).
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: - C system libraries (one per library; Debian -dev packages)
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        // GnuTLS is libmicrohttpd's TLS backend; used only to verify client certificates (mTLS).
        .systemLibrary(name: "CGnuTLS", pkgConfig: "gnutls", providers: [.apt(["libgnutls28-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // zlib: gzip for Logs Ingestion request bodies (libcurl only decodes responses).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Prefixed (ahk_) wrappers for what Swift cannot call: C variadics and function-like macros.
        .target(
            name: "CHookShim",
            dependencies: ["CMicroHTTPD", "CCurl", "COpenSSL", "CSQLite"],
            cSettings: [.define("_GNU_SOURCE")]
        ),

        // MARK: - Swift owner modules (no C type in any public signature)
        // Value types shared by the HTTP server and client (headers); pure Swift.
        .target(name: "HookHTTPTypes", swiftSettings: swiftSettings),
        .target(
            name: "HookHTTPServer",
            dependencies: [
                "HookHTTPTypes", "CMicroHTTPD", "CGnuTLS", "CHookShim",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HookHTTPClient",
            dependencies: ["HookHTTPTypes", "CCurl", "CHookShim"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HookCrypto",
            dependencies: ["COpenSSL", "CHookShim"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HookSQLite",
            dependencies: ["CSQLite", "CHookShim"],
            swiftSettings: swiftSettings
        ),
        // Streaming gzip (RFC 1952) on zlib, for sink request bodies.
        .target(name: "HookCompression", dependencies: ["CZlib"], swiftSettings: swiftSettings),

        // MARK: - Domain modules (pure Swift)
        .target(
            name: "HookConfig",
            dependencies: ["Yams"],
            swiftSettings: swiftSettings
        ),
        // A strict, bounded JSON parser for untrusted input (notifications, API errors).
        .target(name: "HookJSON", swiftSettings: swiftSettings),
        // Streaming record splitter for content blobs: original bytes per record, bounded memory (issue 6 §2).
        .target(name: "HookRecords", dependencies: ["HookJSON"], swiftSettings: swiftSettings),
        // Prometheus text-format counters, gauges and histograms.
        .target(name: "HookMetrics", swiftSettings: swiftSettings),
        // The durable local spool of records between the fetch stage and the sinks' delivery loops (issue 13).
        .target(
            name: "HookSpool",
            dependencies: ["HookRecords", "HookCompression", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // The durable work queue of content blobs (SQLite implementation + in-memory one for tests).
        .target(name: "HookLedger", dependencies: ["HookSQLite", "HookRecords"], swiftSettings: swiftSettings),
        .target(
            name: "HookReceiver",
            dependencies: [
                "HookHTTPServer", "HookConfig", "HookCrypto", "HookLedger", "HookMetrics", "HookJSON",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Retry policy shared by every HTTP peer: back-off, server-requested waits (clamped, saturating).
        .target(name: "HookRetry", dependencies: ["HookHTTPTypes"], swiftSettings: swiftSettings),
        // Entra ID client-credentials tokens (secret or certificate assertion) and the clock skew seen in
        // `Date` headers; used by the Management API client and the Logs Ingestion sink alike.
        .target(
            name: "HookEntraAuth",
            dependencies: ["HookHTTPClient", "HookCrypto", "HookConfig", "HookJSON", "HookRetry",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Management Activity API client: subscriptions, content, throttling, start guard (issue 5).
        .target(
            name: "HookManagementAPI",
            dependencies: [
                "HookHTTPClient", "HookCrypto", "HookConfig", "HookJSON", "HookLedger", "HookMetrics",
                "HookRetry", "HookEntraAuth",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Catch-up poller and backfill: window planning, watermarks, completeness (issue 7).
        .target(
            name: "HookPoller",
            dependencies: [
                "HookManagementAPI", "HookEntraAuth", "HookRetry", "HookLedger", "HookMetrics", "HookJSON",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Destinations for records: file, stdout, Logs Ingestion (Sentinel), Splunk HEC, alert webhook (issue 6 §5).
        .target(
            name: "HookSinks",
            dependencies: [
                "HookHTTPClient", "HookHTTPTypes", "HookRetry", "HookEntraAuth", "HookConfig", "HookRecords", "HookMetrics",
                "HookCompression", "HookJSON",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Fetch-and-forward workers: lease, stream, split, de-duplicate, deliver, acknowledge (issue 6 §1-3, §6).
        .target(
            name: "HookForwarder",
            dependencies: [
                "HookLedger", "HookSinks", "HookManagementAPI", "HookEntraAuth", "HookRetry", "HookRecords", "HookMetrics", "HookConfig", "HookHTTPClient", "HookSpool",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Management Activity API, Entra ID token and Logs Ingestion simulator (issue 3); a test double.
        .target(
            name: "HookSimulator",
            dependencies: [
                "HookHTTPServer", "HookHTTPClient", "HookCrypto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: testDoubleSettings
        ),

        // systemd's notify protocol and watchdog (issue 15): READY/STOPPING/RELOADING/WATCHDOG datagrams.
        .target(
            name: "HookSystemd",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Executables
        .executableTarget(
            name: "ActivityHookCLI",
            dependencies: [
                "HookConfig", "HookReceiver", "HookHTTPServer", "HookHTTPTypes", "HookHTTPClient", "HookLedger",
                "HookManagementAPI", "HookEntraAuth", "HookRetry", "HookPoller", "HookSinks", "HookForwarder", "HookSpool",
                "HookSystemd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test and benchmark fixtures (bench servers, clients); never shipped to users.
        .executableTarget(
            name: "ActivityHookFixture",
            dependencies: [
                "HookHTTPServer", "HookHTTPClient", "HookReceiver", "HookJSON", "HookLedger", "HookTestSupport",
                "HookRetry", "HookEntraAuth", "HookManagementAPI", "HookSinks", "HookSpool", "HookForwarder", "HookConfig",
                "HookRecords", "HookMetrics", "SimulatorTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // `activityhook-sim`: the simulator as a process for tests, the demo and the benchmarks.
        .executableTarget(
            name: "ActivityHookSim",
            dependencies: [
                "HookSimulator", "HookHTTPServer", "Yams",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Child process for the SQLite crash-safety test (killed with SIGKILL mid-transaction).
        .executableTarget(
            name: "SQLiteCrashFixture",
            dependencies: ["HookSQLite"],
            swiftSettings: swiftSettings
        ),

        // MARK: - Tests
        // Shared harness: temporary directories, built-binary lookup, child processes with line readiness.
        .target(name: "HookTestSupport", swiftSettings: swiftSettings),
        // The in-process simulator runner shared by the test targets that talk to Microsoft's side.
        .target(
            name: "SimulatorTestSupport",
            dependencies: ["HookSimulator", "HookHTTPServer", "HookHTTPClient", "HookManagementAPI", "HookEntraAuth", "HookRetry", "HookConfig",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Small fakes of sink destinations (Splunk HEC, alert webhooks) on real loopback servers.
        .target(
            name: "SinkFakes",
            dependencies: ["HookHTTPServer", "HookHTTPTypes", "HookJSON", .product(name: "Logging", package: "swift-log")],
            swiftSettings: testDoubleSettings
        ),
        .testTarget(name: "HookHTTPTests", dependencies: ["HookHTTPServer", "HookHTTPClient", "HookTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "HookCryptoTests", dependencies: ["HookCrypto", "HookTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HookSQLiteTests",
            dependencies: ["HookSQLite", "SQLiteCrashFixture", "HookTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "HookRetryTests", dependencies: ["HookRetry", "HookEntraAuth", "HookHTTPTypes"], swiftSettings: swiftSettings),
        .testTarget(name: "HookJSONTests", dependencies: ["HookJSON"], swiftSettings: swiftSettings),
        .testTarget(name: "HookRecordsTests", dependencies: ["HookRecords", "HookJSON", "HookTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "HookSpoolTests", dependencies: ["HookSpool", "HookRecords", "HookTestSupport", .product(name: "Logging", package: "swift-log")], swiftSettings: swiftSettings),
        .testTarget(name: "HookLedgerTests", dependencies: ["HookLedger", "HookSQLite", "HookTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ReceiverTests",
            dependencies: ["HookReceiver", "HookLedger", "HookJSON", "HookHTTPServer", "HookHTTPClient", "HookTestSupport",
                           "HookSQLite", "HookConfig", "ActivityHookCLI", "ActivityHookFixture",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .testTarget(name: "HookConfigTests", dependencies: ["HookConfig", "HookEntraAuth", "HookHTTPClient", "HookTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CLITests",
            dependencies: ["ActivityHookCLI", "HookHTTPClient", "HookTestSupport", "HookSQLite"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ManagementAPITests",
            dependencies: ["HookManagementAPI", "HookEntraAuth", "HookRetry", "HookSimulator", "HookLedger", "HookConfig", "HookHTTPServer", "HookHTTPClient",
                           "HookCrypto", "HookMetrics", "HookJSON", "HookTestSupport", "SimulatorTestSupport", "ActivityHookCLI", "ActivityHookSim",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PollerTests",
            dependencies: ["HookPoller", "HookManagementAPI", "HookEntraAuth", "HookRetry", "HookSimulator", "HookLedger", "HookMetrics", "HookHTTPServer",
                           "HookHTTPClient", "HookConfig", "HookTestSupport", "SimulatorTestSupport", "ActivityHookCLI",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SimulatorTests",
            dependencies: ["HookSimulator", "ActivityHookSim", "HookHTTPServer", "HookHTTPClient", "HookTestSupport",
                           "SimulatorTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "HookSystemdTests", dependencies: ["HookSystemd", "HookTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "HookCompressionTests", dependencies: ["HookCompression", "HookTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SinkTests",
            dependencies: ["HookSinks", "HookRecords", "HookConfig", "HookMetrics", "HookHTTPClient", "HookRetry", "HookEntraAuth",
                           "HookSimulator", "SinkFakes", "SimulatorTestSupport", "HookTestSupport", "HookCompression",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ForwarderTests",
            dependencies: ["HookForwarder", "HookSinks", "HookSpool", "HookJSON", "HookLedger", "HookRecords", "HookConfig", "HookMetrics",
                           "HookManagementAPI", "HookEntraAuth", "HookRetry", "HookHTTPClient", "HookSimulator", "SimulatorTestSupport", "SinkFakes",
                           "HookTestSupport", "ActivityHookCLI", "ActivityHookSim", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
