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

    /// How a URL with a plain `http://` scheme is treated.
    enum PlainHTTP {
        /// Accepted with this warning (our own public URL: it carries nothing we send).
        case warn(String)
        /// Refused unless the host is a loopback address or `allowed` (the section's `allowInsecureHTTP`):
        /// the URL carries `secret` (a token, a key, a credential) that must not cross a network in clear.
        case refuse(secret: String, allowed: Bool, allowKey: String)
    }

    /// An absolute `http(s)` URL. `trimTrailingSlash` normalises base URLs that paths are appended to.
    func url(httpWarning: String, trimTrailingSlash: Bool = false) -> String? {
        self.url(plainHTTP: .warn(httpWarning), trimTrailingSlash: trimTrailingSlash)
    }

    /// An absolute `http(s)` URL, `http://` treated as `plainHTTP` says (docs/remote-input.md).
    func url(plainHTTP: PlainHTTP, trimTrailingSlash: Bool = false) -> String? {
        guard let text = self.string() else { return nil }
        return self.checkURL(text, plainHTTP: plainHTTP, trimTrailingSlash: trimTrailingSlash, echo: true)
    }

    /// A URL that is itself a secret (chat webhook URLs embed their credential); never echoed.
    func secretURL(plainHTTP: PlainHTTP) -> Secret? {
        guard let secret = self.secret() else { return nil }
        guard self.checkURL(secret.reveal(), plainHTTP: plainHTTP, trimTrailingSlash: false, echo: false) != nil
        else { return nil }
        return secret
    }

    private func checkURL(_ text: String, plainHTTP: PlainHTTP, trimTrailingSlash: Bool, echo: Bool) -> String? {
        let shown = echo ? ", got \"\(Self.truncated(text))\"" : ""
        switch ConfigValidation.checkURL(text) {
        case .failure(let problem):
            self.error("\(problem.message)\(shown)")
            return nil
        case .success(let parsed):
            if parsed.scheme == "http" {
                switch plainHTTP {
                case .warn(let warning):
                    self.warn(warning)
                case .refuse(let secret, let allowed, let allowKey):
                    guard allowed || ConfigValidation.isLoopbackHost(parsed.host) else {
                        self.error("http:// would send \(secret) unencrypted to \(parsed.host); use https://, "
                                   + "or set \(allowKey): true if the network path is trusted")
                        return nil
                    }
                    if !ConfigValidation.isLoopbackHost(parsed.host) { self.warn("uses http:// (allowed by \(allowKey))") }
                }
            }
            var url = text
            while trimTrailingSlash, url.hasSuffix("/") { url.removeLast() }
            return url
        }
    }
}

extension ConfigNode {
    /// `api.proxy`: `http://`, `https://`, `socks5://` or `socks5h://` with a host. Credentials in it
    /// (`user:password@`) are refused over a clear-text proxy protocol to a non-loopback host unless
    /// `allowKey` is set. Never echoed: it may carry a password.
    func proxyURL(allowInsecure: Bool, allowKey: String) -> Secret? {
        guard let secret = self.secret() else { return nil }
        guard let components = URLComponents(string: secret.reveal()), let scheme = components.scheme?.lowercased(),
              ["http", "https", "socks5", "socks5h"].contains(scheme), let host = components.host, !host.isEmpty
        else {
            self.error("expected a proxy URL such as http://proxy.example:3128 (http, https, socks5 or socks5h)")
            return nil
        }
        let hasCredentials = components.user != nil || components.password != nil
        if hasCredentials, scheme != "https", !allowInsecure, !ConfigValidation.isLoopbackHost(host) {
            self.error("the proxy's credentials would cross the network unencrypted to \(host); use an https:// "
                       + "proxy, or set \(allowKey): true if the network path is trusted")
            return nil
        }
        return secret
    }
}
