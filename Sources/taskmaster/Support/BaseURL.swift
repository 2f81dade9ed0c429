/// The scheduler's address, from an `http://host[:port][/prefix]` URL.
struct BaseURL: CustomStringConvertible {
    var host: String
    var port: Int
    /// A path every request path is appended to, empty or starting with "/" (for a proxy).
    var prefix: String
    var description: String

    init(_ text: String) throws(CLIFailure) {
        if text.lowercased().hasPrefix("https://") {
            throw .other("\(text): https is not supported; use an http:// URL (for a remote scheduler, a tunnel such as `kubectl port-forward`)")
        }
        guard text.lowercased().hasPrefix("http://") else {
            throw .other("\(text): not an http:// URL")
        }
        let rest = text.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        var path = String(rest.dropFirst(authority.count))
        while path.hasSuffix("/") { path.removeLast() }
        var host = Substring(authority)
        var port = 80
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
        self.prefix = path
        self.description = "http://\(authority)\(path)"
    }
}
