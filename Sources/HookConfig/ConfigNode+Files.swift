import Foundation

/// Reads of values that refer to the outside world: paths, files, secrets and URLs.
extension ConfigNode {
    /// A path; relative paths resolve against the config file's directory. `~` is not expanded.
    func path() -> String? {
        guard let text = self.string() else { return nil }
        guard !text.contains("\0") else {
            self.error("must not contain NUL characters")
            return nil
        }
        return ConfigValidation.resolve(path: text, against: self.context.baseDirectory)
    }

    /// A path to a regular file that exists and is readable now (certificates, keys, CA bundles).
    func existingFile() -> String? {
        guard let path = self.path() else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            self.error("file not found: \(path)")
            return nil
        }
        guard !isDirectory.boolValue else {
            self.error("is a directory, expected a file: \(path)")
            return nil
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            self.error("file is not readable: \(path)")
            return nil
        }
        return path
    }

    /// A secret: the literal (after `${…}` expansion) or, for `file:/path`, the file's contents with
    /// trailing newlines removed. Messages never include the secret itself.
    func secret() -> Secret? {
        guard let text = self.text(expecting: "a string", echo: false) else { return nil }
        var value = text
        if text.hasPrefix("file:") {
            guard let contents = self.readSecretFile(String(text.dropFirst("file:".count))) else { return nil }
            value = contents
        }
        guard !value.isEmpty else {
            self.error(text.hasPrefix("file:") ? "secret file is empty" : "must not be empty")
            return nil
        }
        return Secret(value)
    }

    /// Largest secret file accepted; secrets are short, and a mistaken path to a big file should fail fast.
    static let maximumSecretFileBytes = 64 * 1024

    private func readSecretFile(_ rawPath: String) -> String? {
        guard !rawPath.isEmpty, !rawPath.contains("\0") else {
            self.error("file: secret needs a path, e.g. file:/run/secrets/name")
            return nil
        }
        let path = ConfigValidation.resolve(path: rawPath, against: self.context.baseDirectory)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
        if let size, size > Self.maximumSecretFileBytes {
            self.error("cannot read secret file \(path): larger than \(Self.maximumSecretFileBytes) bytes")
            return nil
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file"
            self.error("cannot read secret file \(path): \(reason)")
            return nil
        }
        guard let contents = String(data: data, encoding: .utf8) else {
            self.error("cannot read secret file \(path): not UTF-8 text")
            return nil
        }
        var trimmed = Substring(contents)
        while let last = trimmed.last, last == "\n" || last == "\r\n" || last == "\r" { trimmed.removeLast() }
        return String(trimmed)
    }

    /// An absolute `http(s)` URL. `http` is accepted with a warning (`httpWarning`) so tests can use
    /// local servers; for a URL that carries a secret (`secrets`), only as its ``PlainHTTPPolicy`` allows.
    /// `trimTrailingSlash` normalises base URLs that paths are appended to.
    func url(httpWarning: String, secrets: PlainHTTPPolicy? = nil, trimTrailingSlash: Bool = false) -> String? {
        guard let text = self.string() else { return nil }
        return self.checkURL(text, httpWarning: httpWarning, secrets: secrets, trimTrailingSlash: trimTrailingSlash, echo: true)
    }

    /// A URL that is itself a secret (chat webhook URLs embed their credential); never echoed.
    func secretURL(httpWarning: String, secrets: PlainHTTPPolicy) -> Secret? {
        guard let secret = self.secret() else { return nil }
        guard self.checkURL(secret.reveal(), httpWarning: httpWarning, secrets: secrets, trimTrailingSlash: false, echo: false) != nil
        else { return nil }
        return secret
    }

    private func checkURL(_ text: String, httpWarning: String, secrets: PlainHTTPPolicy?, trimTrailingSlash: Bool,
                          echo: Bool) -> String? {
        let shown = echo ? ", got \"\(Self.truncated(text))\"" : ""
        switch ConfigValidation.checkURL(text) {
        case .failure(let problem):
            self.error("\(problem.message)\(shown)")
            return nil
        case .success(let parts):
            if parts.scheme == "http" {
                if let problem = secrets?.problem(host: parts.host) {
                    self.error(problem)
                    return nil
                }
                self.warn(httpWarning)
            }
            var url = text
            while trimTrailingSlash, url.hasSuffix("/") { url.removeLast() }
            return url
        }
    }
}

extension ConfigNode {
    /// `api.proxy`: `http://`, `https://`, `socks5://` or `socks5h://` with a host. Credentials in it
    /// (`user:password@`) are refused over a clear-text proxy protocol to a non-loopback host unless the
    /// section's `allowInsecureHTTP` is set (docs/plain-http.md). Never echoed: it may carry a password.
    func proxyURL(policy: PlainHTTPPolicy) -> Secret? {
        guard let secret = self.secret() else { return nil }
        guard let components = URLComponents(string: secret.reveal()), let scheme = components.scheme?.lowercased(),
              ["http", "https", "socks5", "socks5h"].contains(scheme), let host = components.host, !host.isEmpty
        else {
            self.error("expected a proxy URL such as http://proxy.example:3128 (http, https, socks5 or socks5h)")
            return nil
        }
        let hasCredentials = components.user != nil || components.password != nil
        if hasCredentials, scheme != "https", !policy.allowed, !PlainHTTPPolicy.isLoopback(host) {
            self.error("the proxy's credentials would cross the network unencrypted to \(host); use an https:// "
                       + "proxy, or set \(policy.allowKey): true if the network path is trusted")
            return nil
        }
        return secret
    }
}
