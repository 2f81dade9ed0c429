/// A `host:port` to bind or dial, written as in the original flags: `:8081` (every interface),
/// `127.0.0.1:8081`, `[::1]:8081` or `coordinator:8080`.
package struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `text`; an empty host means `defaultHost`.
    package init(parsing text: String, defaultHost: String = "0.0.0.0") throws {
        guard let separator = text.lastIndex(of: ":") else {
            throw ConfigurationError("'\(text)' is not host:port (for example :8080 or 127.0.0.1:8080)")
        }
        var host = String(text[..<separator])
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        let portText = text[text.index(after: separator)...]
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw ConfigurationError("'\(text)' has no valid port (0-65535)")
        }
        self.init(host: host.isEmpty ? defaultHost : host, port: port)
    }

    package var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
