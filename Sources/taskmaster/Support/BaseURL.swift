/// The scheduler's address, from an `http://` or `https://host[:port][/prefix]` URL.
struct BaseURL: CustomStringConvertible {
    var host: String
    var port: Int
    /// Whether the scheduler is reached over TLS.
    var isHTTPS: Bool
    /// A path every request path is appended to, empty or starting with "/" (for a proxy).
    var prefix: String
    var description: String

    init(_ text: String) throws(CLIFailure) {
        let scheme = ["http", "https"].first { text.lowercased().hasPrefix("\($0)://") }
        guard let scheme else { throw .other("\(text): not an http:// or https:// URL") }
        let rest = text.dropFirst(scheme.count + "://".count)
        let authority = rest.prefix { $0 != "/" }
        var path = String(rest.dropFirst(authority.count))
        while path.hasSuffix("/") { path.removeLast() }
        var host = Substring(authority)
        var port = scheme == "https" ? 443 : 80
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                throw .other("\(text): not a valid port")
            }
            host = authority[..<colon]
            port = number
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty else { throw .other("\(text): no host") }
        self.host = String(host)
        self.port = port
        self.isHTTPS = scheme == "https"
        self.prefix = path
        self.description = "\(scheme)://\(authority)\(path)"
    }
}
