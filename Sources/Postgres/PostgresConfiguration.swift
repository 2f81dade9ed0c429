package import Core

/// Where and how to connect to PostgreSQL.
package struct PostgresConfiguration: Sendable, Equatable {
    /// A host name, an IP address, or the directory of a Unix-domain socket (starting with `/`).
    package var host: String
    package var port: Int
    /// Servers libpq tries after `host`, in order, when one cannot be reached or is not what
    /// `targetSessionAttributes` asks for: a primary and its standbys, so that every new
    /// connection finds whichever of them is the primary now.
    package var moreServers: [ListenAddress] = []
    /// libpq's `target_session_attrs` (`read-write` connects only to a primary); libpq's
    /// default (any server) when nil.
    package var targetSessionAttributes: String?
    package var user: String
    package var password: String?
    package var database: String
    /// How long opening a connection may take before it fails.
    package var connectTimeoutSeconds: Int
    /// Reported to the server as `application_name`; the client uses its logger's label when nil.
    package var applicationName: String?
    /// libpq's `sslmode` (`disable` … `verify-full`); libpq's default (`prefer`) when nil.
    package var sslMode: String?
    /// libpq's `sslrootcert`: the authorities the server's certificate is checked against with
    /// `verify-ca` and `verify-full`.
    package var sslRootCertificate: String?
    /// libpq's `sslcert` and `sslkey`: a client certificate and its key, for a server that asks.
    package var sslCertificate: String?
    package var sslKey: String?
    /// Server settings for every session (`SET name = value` at connection, through libpq's
    /// `options`); names and values of letters, digits, `_` and `.`.
    package var sessionSettings: [String: String] = [:]

    package init(
        host: String = "localhost",
        port: Int = 5432,
        user: String = "postgres",
        password: String? = nil,
        database: String = "postgres"
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.connectTimeoutSeconds = 5
        self.applicationName = nil
        self.sslMode = nil
    }

    /// Parses a `postgres://` or `postgresql://` URL:
    /// `postgres://[user[:password]@][host][:port][,host[:port]…][/database][?connect_timeout=&application_name=&sslmode=&sslrootcert=&sslcert=&sslkey=&target_session_attrs=]`.
    /// Components are percent-decoded, so a socket directory can be given as host (`%2Ftmp`).
    /// A missing database defaults to the user name, as in libpq.
    package init(url: String) throws {
        self = try PostgresURLParser.parse(url)
    }

    /// Reads `DATABASE_URL` when it is set and not empty; otherwise `POSTGRES_HOST`, `POSTGRES_PORT`,
    /// `POSTGRES_USER`, `POSTGRES_PASSWORD` and `POSTGRES_DB`, each with the defaults of `init`.
    package static func fromEnvironment(_ environment: [String: String]) throws -> PostgresConfiguration {
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            return try PostgresConfiguration(url: url)
        }
        var configuration = PostgresConfiguration()
        if let host = environment["POSTGRES_HOST"], !host.isEmpty { configuration.host = host }
        if let port = environment["POSTGRES_PORT"], !port.isEmpty {
            guard let number = portNumber(port) else {
                throw PostgresError(code: .invalidConfiguration, message: "POSTGRES_PORT must be a port number between 1 and 65535, got '\(port)'")
            }
            configuration.port = number
        }
        if let user = environment["POSTGRES_USER"], !user.isEmpty { configuration.user = user }
        if let password = environment["POSTGRES_PASSWORD"], !password.isEmpty { configuration.password = password }
        if let database = environment["POSTGRES_DB"], !database.isEmpty { configuration.database = database }
        return configuration
    }

    /// A TCP port number, 1...65535.
    static func portNumber(_ text: some StringProtocol) -> Int? {
        guard let port = Int(text), (1...65535).contains(port) else { return nil }
        return port
    }
}

extension PostgresConfiguration {
    /// libpq connection keywords and values (`PQconnectdbParams`), with UTF-8 as client encoding.
    func libpqParameters(defaultApplicationName: String) -> [(keyword: String?, value: String?)] {
        var parameters: [(keyword: String?, value: String?)] = [
            ("host", ([host] + moreServers.map(\.host)).joined(separator: ",")),
            ("port", ([port] + moreServers.map(\.port)).map(String.init).joined(separator: ",")),
            ("user", user),
            ("dbname", database),
            ("connect_timeout", String(connectTimeoutSeconds)),
            ("application_name", applicationName ?? defaultApplicationName),
            ("client_encoding", "UTF8"),
        ]
        if let password { parameters.append(("password", password)) }
        for (keyword, value) in [("sslmode", sslMode), ("sslrootcert", sslRootCertificate), ("sslcert", sslCertificate), ("sslkey", sslKey)] {
            if let value { parameters.append((keyword, value)) }
        }
        if let targetSessionAttributes { parameters.append(("target_session_attrs", targetSessionAttributes)) }
        if !sessionSettings.isEmpty {
            parameters.append(("options", sessionSettings.sorted { $0.key < $1.key }.map { "-c \($0.key)=\($0.value)" }.joined(separator: " ")))
        }
        return parameters
    }
}
