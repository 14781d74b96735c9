/// A minimal YAML tree and block-style printer for ``ActivityHookConfig/redactedYAML()``.
///
/// Printing is done here rather than with Yams' emitter because the emitter can throw and the
/// redacted dump must always succeed; the output only ever contains mappings, lists and scalars.
indirect enum RedactedYAML {
    /// A value printed as is: numbers, booleans, durations.
    case plain(String)
    /// A string, quoted when YAML would otherwise read it as something else.
    case string(String)
    case mapping([(String, RedactedYAML)])
    case list([RedactedYAML])

    /// A secret, always printed as `"<redacted>"`.
    static func secret(_ secret: Secret) -> RedactedYAML { .string(secret.description) }

    /// An optional value; nil becomes `null`.
    static func optional(_ value: String?) -> RedactedYAML { value.map(RedactedYAML.string) ?? .plain("null") }

    /// The document text, ending with a newline.
    func render() -> String {
        var lines: [String] = []
        self.render(into: &lines, indent: 0)
        return lines.joined(separator: "\n") + "\n"
    }

    private func render(into lines: inout [String], indent: Int) {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case .mapping(let pairs):
            for (key, value) in pairs {
                if let inline = value.inline {
                    lines.append("\(pad)\(key): \(inline)")
                } else {
                    lines.append("\(pad)\(key):")
                    value.render(into: &lines, indent: indent + 2)
                }
            }
        case .list(let items):
            for item in items {
                if let inline = item.inline {
                    lines.append("\(pad)- \(inline)")
                } else {
                    // Nested block: print it two deeper, then put the dash on its first line.
                    var nested: [String] = []
                    item.render(into: &nested, indent: indent + 2)
                    if let first = nested.first {
                        nested[0] = pad + "- " + first.dropFirst(indent + 2)
                    }
                    lines.append(contentsOf: nested)
                }
            }
        case .plain, .string:
            lines.append(pad + (self.inline ?? ""))
        }
    }

    /// The single-line form of scalars and empty collections; nil for non-empty collections.
    private var inline: String? {
        switch self {
        case .plain(let text): text
        case .string(let text): Self.quoted(text)
        case .mapping(let pairs): pairs.isEmpty ? "{}" : nil
        case .list(let items): items.isEmpty ? "[]" : nil
        }
    }

    /// Plain when unambiguous (`https://x`, `/var/lib/x`, `Audit.General`), else double-quoted with escapes.
    static func quoted(_ text: String) -> String {
        let safe = text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_./:@+-".contains($0)) }
        let reserved = ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"].contains(text.lowercased())
        // A trailing colon would turn the value into a mapping key.
        if safe, !reserved, !text.hasSuffix(":"), let first = text.first, first.isLetter || first == "/" || first == ".",
           Double(text) == nil {
            return text
        }
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            case "\r": escaped += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    escaped += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped + "\""
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}
