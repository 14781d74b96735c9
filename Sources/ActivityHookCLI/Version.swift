import ArgumentParser

struct Version: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")
    func run() async throws { print("activityhook \(ActivityHookVersion.string)") }
}

enum ActivityHookVersion {
    static let string = "0.1.0"
}
