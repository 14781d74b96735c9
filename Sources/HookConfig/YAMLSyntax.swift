import Yams

/// Turns Yams' parse errors into one ``ConfigIssue`` with a line and column, without the multi-line
/// source snippet Yams puts in its own description.
enum YAMLSyntax {
    static func issue(for error: YamlError, in yaml: String) -> ConfigIssue {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            // libyaml's own wording names its C API, which means nothing to someone editing a config.
            if problem.hasPrefix("Maximum nesting level reached") {
                return Self.issue("nested too deeply", line: mark.line, column: mark.column)
            }
            return Self.issue(problem + Self.suffix(context), line: mark.line, column: mark.column)
        case .reader(let problem, let offset, _, _):
            let position = offset.map { Self.position(ofCharacterOffset: $0, in: yaml) }
            return Self.issue(problem, line: position?.line, column: position?.column)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            return Self.issue("duplicate key \(keys) in one mapping", line: context.mark.line, column: context.mark.column)
        default:
            return ConfigIssue(keyPath: "", message: "YAML error: \(error)")
        }
    }

    private static func issue(_ problem: String, line: Int?, column: Int?) -> ConfigIssue {
        guard let line, let column else { return ConfigIssue(keyPath: "", message: "YAML syntax error: \(problem)") }
        return ConfigIssue(keyPath: "", message: "YAML syntax error at line \(line), column \(column): \(problem)",
                           line: line)
    }

    /// libyaml's context ("while parsing a block mapping") and where that construct started.
    private static func suffix(_ context: YamlError.Context?) -> String {
        guard let context else { return "" }
        return " (\(context.text) started at line \(context.mark.line), column \(context.mark.column))"
    }

    /// 1-based line and column of a character offset (Yams reports reader errors as offsets).
    private static func position(ofCharacterOffset offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
