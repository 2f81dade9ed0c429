import Core
/// Parses libpq connection URLs into a `PostgresConfiguration`.
/// Error messages never repeat the URL: it may hold a password.
enum PostgresURLParser {
    static func parse(_ url: String) throws -> PostgresConfiguration {
        guard let rest = stripScheme(url) else {
            throw invalid("the database URL must start with postgres:// or postgresql://")
        }
        let (beforeQuery, query) = split(rest, at: "?")
        let (authority, path) = split(beforeQuery, at: "/")

        var configuration = PostgresConfiguration()
        let hostAndPort: Substring
        if let at = authority.lastIndex(of: "@") {
            let (user, password) = split(authority[..<at], at: ":")
            if !user.isEmpty { configuration.user = try decode(user, "user") }
            if let password { configuration.password = try decode(password, "password") }
            hostAndPort = authority[authority.index(after: at)...]
        } else {
            hostAndPort = authority
        }
        let servers = try hostAndPort.split(separator: ",", omittingEmptySubsequences: false).map(server)
        if let first = servers.first {
            configuration.host = first.host ?? configuration.host
            configuration.port = first.port ?? configuration.port
        }
        configuration.moreServers = servers.dropFirst().map { server in
            ListenAddress(host: server.host ?? "localhost", port: server.port ?? 5432)
        }
        configuration.database = configuration.user
        if let path, !path.isEmpty { configuration.database = try decode(path, "database name") }
        if let query { try apply(query: query, to: &configuration) }
        return configuration
    }

    private static func stripScheme(_ url: String) -> Substring? {
        for scheme in ["postgres://", "postgresql://"] where url.lowercased().hasPrefix(scheme) {
            return url.dropFirst(scheme.count)
        }
        return nil
    }

    /// Splits at the first `separator`; the second part is nil when there is none.
    private static func split(_ text: Substring, at separator: Character) -> (Substring, Substring?) {
        guard let index = text.firstIndex(of: separator) else { return (text, nil) }
        return (text[..<index], text[text.index(after: index)...])
    }

    /// One server of the authority, decoded; nil for what it leaves out.
    private static func server(_ text: Substring) throws -> (host: String?, port: Int?) {
        let (host, port) = try splitHostAndPort(text)
        var number: Int?
        if let port {
            guard let valid = PostgresConfiguration.portNumber(port) else {
                throw invalid("the database URL's port must be a number between 1 and 65535")
            }
            number = valid
        }
        return (host.isEmpty ? nil : try decode(host, "host"), number)
    }

    /// `host`, `host:port`, `[ipv6]` or `[ipv6]:port`.
    private static func splitHostAndPort(_ text: Substring) throws -> (Substring, Substring?) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw invalid("the database URL has an unclosed '[' in its host") }
            let host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return (host, nil) }
            guard rest.hasPrefix(":") else { throw invalid("the database URL has text after its IPv6 host") }
            return (host, rest.dropFirst())
        }
        return split(text, at: ":")
    }

    private static func apply(query: Substring, to configuration: inout PostgresConfiguration) throws {
        for pair in query.split(separator: "&") {
            let (key, value) = split(pair, at: "=")
            let decoded = try decode(value ?? "", "parameter \(key)")
            switch key {
            case "connect_timeout":
                guard let seconds = Int(decoded), seconds > 0 else {
                    throw invalid("the database URL's connect_timeout must be a positive number of seconds")
                }
                configuration.connectTimeoutSeconds = seconds
            case "application_name":
                configuration.applicationName = decoded
            case "sslmode":
                let known = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
                guard known.contains(decoded) else {
                    throw invalid("the database URL's sslmode must be one of \(known.joined(separator: ", "))")
                }
                configuration.sslMode = decoded
            case "sslrootcert":
                configuration.sslRootCertificate = decoded
            case "sslcert":
                configuration.sslCertificate = decoded
            case "sslkey":
                configuration.sslKey = decoded
            case "target_session_attrs":
                let known = ["any", "read-write", "read-only", "primary", "standby", "prefer-standby"]
                guard known.contains(decoded) else {
                    throw invalid("the database URL's target_session_attrs must be one of \(known.joined(separator: ", "))")
                }
                configuration.targetSessionAttributes = decoded
            default:
                throw invalid("the database URL has an unsupported parameter '\(key)'")
            }
        }
    }

    private static func decode(_ text: Substring, _ what: String) throws -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexDigitValue), let low = iterator.next().flatMap(hexDigitValue) else {
                throw invalid("the database URL's \(what) has a bad percent-encoding")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw invalid("the database URL's \(what) is not valid UTF-8")
        }
        return decoded
    }


    private static func invalid(_ message: String) -> PostgresError {
        PostgresError(code: .invalidConfiguration, message: message)
    }
}
