import Foundation
import Yams

/// Scenario files: YAML (or JSON, which is YAML) with the shape of `POST /_sim/configure`.
///
/// ```yaml
/// settings: { pageSize: 100, startThrottleSeconds: 0, requireHTTPSWebhook: false }
/// tenants:
///   - id: 11111111-1111-1111-1111-111111111111
///     apps:
///       - { clientId: 22222222-2222-2222-2222-222222222222, secret: s3cret, roles: [ActivityFeed.Read] }
/// faults:
///   - { endpoint: blob, kind: 5xx, probability: 0.01 }
/// ```
enum Scenario {
    /// The file converted to JSON bytes for `SimulatorApp.configure(json:)`.
    static func jsonBytes(file path: String) throws -> [UInt8] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let value = try Yams.load(yaml: text) else { return Array("{}".utf8) }
        let json = jsonCompatible(value)
        guard JSONSerialization.isValidJSONObject(json) else {
            throw ScenarioFileError(description: "the top level must be a mapping")
        }
        return Array(try JSONSerialization.data(withJSONObject: json))
    }

    /// Yams' values as Foundation JSON values (keys as strings; dates and other scalars as text).
    private static func jsonCompatible(_ value: Any) -> Any {
        switch value {
        case let map as [AnyHashable: Any]:
            var out: [String: Any] = [:]
            for (key, item) in map { out["\(key)"] = jsonCompatible(item) }
            return out
        case let list as [Any]: return list.map(jsonCompatible)
        case let text as String: return text
        case let number as Int: return number
        case let number as Double: return number
        case let flag as Bool: return flag
        case is NSNull: return NSNull()
        default: return "\(value)"
        }
    }
}

/// A scenario file that cannot be used.
struct ScenarioFileError: Error, CustomStringConvertible {
    let description: String
}
