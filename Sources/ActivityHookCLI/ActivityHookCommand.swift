import ArgumentParser

/// `activityhook`: the Office 365 Management Activity API webhook receiver and forwarder.
@main
struct ActivityHookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activityhook",
        abstract: "Receive Office 365 Management Activity notifications and forward the records to your SIEM.",
        discussion: """
            ActivityHook registers itself as the webhook of your Management Activity API subscriptions, \
            stores every notification durably before acknowledging it, and forwards the records to \
            Microsoft Sentinel (Logs Ingestion API), files, Splunk HEC and alert webhooks.
            """,
        version: ActivityHookVersion.string,
        subcommands: [Serve.self, Register.self, Status.self, Unregister.self, Backfill.self, Replay.self, CheckConfig.self, Version.self]
    )
}
