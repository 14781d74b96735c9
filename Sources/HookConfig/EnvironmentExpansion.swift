/// Expands `${NAME}` and `${NAME:-fallback}` in config values.
///
/// Rules (deliberately small, so a secret containing `$` survives): only `${` starts a reference;
/// `$${` stands for a literal `${`; the fallback is used when the variable is unset or empty (as with
/// the shell's `:-`) and is taken literally up to the first `}`. Expanded values are not scanned again.
enum EnvironmentExpansion {
    enum Failure: Error, Equatable {
        /// `${NAME}` names a variable that is not set and has no fallback.
        case unset(String)
        /// A `${` without a closing `}`, or a name that is not `[A-Za-z_][A-Za-z0-9_]*`.
        case malformed(String)

        /// The text shown to the user; `echo: false` leaves out the offending text (secret values).
        func message(echo: Bool) -> String {
            switch self {
            case .unset(let name):
                return "environment variable \(name) is not set (write ${\(name):-default} to give a fallback)"
            case .malformed(let reference):
                let shown = echo ? " \"\(ConfigNode.truncated(reference))\"" : ""
                return "malformed environment reference\(shown) (expected ${NAME} or ${NAME:-fallback})"
            }
        }
    }

    static func expand(_ text: String, environment: [String: String]) -> Result<String, Failure> {
        guard text.contains("${") else { return .success(text) }
        var output = ""
        var rest = Substring(text)
        while let dollar = rest.firstRange(of: "${") {
            // `$${` is an escaped literal `${`.
            if dollar.lowerBound > rest.startIndex, rest[rest.index(before: dollar.lowerBound)] == "$" {
                output += rest[..<rest.index(before: dollar.lowerBound)]
                output += "${"
                rest = rest[dollar.upperBound...]
                continue
            }
            output += rest[..<dollar.lowerBound]
            guard let close = rest[dollar.upperBound...].firstIndex(of: "}") else {
                return .failure(.malformed(String(rest[dollar.lowerBound...])))
            }
            let body = rest[dollar.upperBound..<close]
            let name: Substring
            let fallback: Substring?
            if let separator = body.firstRange(of: ":-") {
                name = body[..<separator.lowerBound]
                fallback = body[separator.upperBound...]
            } else {
                name = body
                fallback = nil
            }
            guard isVariableName(name) else {
                return .failure(.malformed(String(rest[dollar.lowerBound...close])))
            }
            if let value = environment[String(name)], !(fallback != nil && value.isEmpty) {
                output += value
            } else if let fallback {
                output += fallback
            } else {
                return .failure(.unset(String(name)))
            }
            rest = rest[rest.index(after: close)...]
        }
        output += rest
        return .success(output)
    }

    private static func isVariableName(_ name: Substring) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
