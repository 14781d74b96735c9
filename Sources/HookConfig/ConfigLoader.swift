import Foundation
import Yams

/// Loads and validates the ActivityHook YAML config.
///
/// Loading never stops at the first problem: every issue found is returned in one ``ConfigError``,
/// each naming its key path (`tenants[0].clientId: not a GUID …`). Unknown keys are errors. Relative
/// paths in the file (`state.path`, sink paths, TLS files, `api.caFile`, `file:` secrets) resolve
/// against the directory the config file is in, not the working directory.
public enum ConfigLoader {
    /// Largest config accepted. Real configs are a few kilobytes; the cap bounds the work a hostile
    /// or mistaken file (say, a log file passed by accident) can cause.
    public static let maximumConfigBytes = 1 << 20

    /// Reads and validates the config file at `path`.
    ///
    /// - Parameter environment: variables for `${NAME}` references; tests pass their own.
    /// - Throws: ``ConfigError`` listing every problem (unreadable file, YAML syntax, invalid values).
    public static func load(
        path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> LoadedConfig {
        let absolute = ConfigValidation.resolve(path: path, against: FileManager.default.currentDirectoryPath)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw ConfigError(keyPath: "", message: "cannot read config file \(absolute): no such file")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: absolute)[.size] as? NSNumber)?.intValue ?? 0
        guard size <= Self.maximumConfigBytes else {
            throw ConfigError(keyPath: "", message: "config file \(absolute) is larger than \(Self.maximumConfigBytes) bytes")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: absolute))
        } catch {
            throw ConfigError(keyPath: "", message: "cannot read config file \(absolute): not readable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(keyPath: "", message: "config file \(absolute) is not valid UTF-8 text")
        }
        let directory = (absolute as NSString).deletingLastPathComponent
        return try Self.parse(yaml: text, baseDirectory: directory, environment: environment)
    }

    /// Validates config text. Relative paths resolve against `baseDirectory` (made absolute against the
    /// working directory if it is relative itself).
    ///
    /// - Throws: ``ConfigError`` listing every problem.
    public static func parse(
        yaml: String,
        baseDirectory: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> LoadedConfig {
        guard yaml.utf8.count <= Self.maximumConfigBytes else {
            throw ConfigError(keyPath: "", message: "config is larger than \(Self.maximumConfigBytes) bytes")
        }
        let node: Node?
        do {
            // An explicit encoding: `.default` consults (and prints about) YAMS_DEFAULT_ENCODING.
            node = try Yams.compose(yaml: yaml, .default, .default, .utf8)
        } catch let error as YamlError {
            throw ConfigError(issues: [YAMLSyntax.issue(for: error, in: yaml)])
        } catch {
            throw ConfigError(keyPath: "", message: "YAML error: \(error)")
        }
        guard let node else {
            throw ConfigError(keyPath: "", message: "the config is empty")
        }
        let base = ConfigValidation.resolve(path: baseDirectory, against: FileManager.default.currentDirectoryPath)
        let context = ConfigContext(environment: environment, baseDirectory: base)
        let config = ConfigSections.root(ConfigNode(node: node, keyPath: "", context: context))
        guard context.issues.isEmpty, let config else {
            throw ConfigError(issues: context.issues.isEmpty
                ? [ConfigIssue(keyPath: "", message: "the config could not be read")] : context.issues)
        }
        return LoadedConfig(config: config, warnings: context.warnings)
    }
}
