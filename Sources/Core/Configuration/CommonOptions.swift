// Public: the conformance of swift-log's `Logger.Level` to `ExpressibleByArgument` below is public by nature.
public import ArgumentParser
package import Logging
import FoundationEssentials

/// Options every service shares: logging, and whether callers from other hosts are served
/// without a token.
package struct CommonOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("log_level"), help: "trace, debug, info, notice, warning, error or critical.")
    package var logLevel: Logger.Level = .info

    @Flag(
        name: .customLong("insecure"),
        help: "Without a token, serve callers from other hosts too (protected mode off). Also TASKMASTER_INSECURE=1.")
    package var insecure = false

    @Flag(
        name: .customLong("check"),
        help: "Do not run: ask the service running on this host at the port the flags name whether it is ready (GET /readyz); exit 0 when it is, 1 otherwise. For container healthchecks.")
    package var check = false

    @Option(
        name: .customLong("tls_cert"),
        help: "PEM file of this service's certificate (chain); with it every port serves TLS only, and calls to other services use TLS. Also TASKMASTER_TLS_CERT.")
    package var tlsCertificate: String?

    @Option(name: .customLong("tls_key"), help: "PEM file of the certificate's private key. Also TASKMASTER_TLS_KEY.")
    package var tlsKey: String?

    @Option(
        name: .customLong("tls_ca"),
        help: "PEM file of the certificate authority that peers' certificates are checked against (default: the system's). Also TASKMASTER_TLS_CA.")
    package var tlsCertificateAuthority: String?

    @Option(
        name: .customLong("tls_client_auth"),
        help: "none, or require: refuse a client without a certificate signed by --tls_ca at the handshake. Also TASKMASTER_TLS_CLIENT_AUTH (default none).")
    package var tlsClientAuth: String?

    /// The variable that turns protected mode off like `--insecure`.
    package static let insecureVariable = "TASKMASTER_INSECURE"

    package init() {}

    /// `--insecure`, or `TASKMASTER_INSECURE` set to `1`, `true` or `yes`.
    package var servesOtherHostsWithoutToken: Bool {
        let setting = ProcessInfo.processInfo.environment[Self.insecureVariable]?.lowercased() ?? ""
        return insecure || ["1", "true", "yes"].contains(setting)
    }

    /// The TLS settings of the flags and `TASKMASTER_TLS_*`; nil when TLS is off.
    package var tlsSettings: TLSSettings? {
        get throws {
            try TLSSettings.resolve(
                certificate: tlsCertificate, key: tlsKey, certificateAuthority: tlsCertificateAuthority,
                clientAuth: tlsClientAuth, environment: ProcessInfo.processInfo.environment)
        }
    }

    package func validate() throws {
        do {
            _ = try tlsSettings
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }

    /// Reads the TLS files (nil when TLS is off); throws a `ConfigurationError` naming a file
    /// that cannot be used.
    package func loadTLS(logger: Logger) throws -> ReloadingTLS? {
        try tlsSettings.map { try ReloadingTLS(settings: $0, logger: logger) }
    }

    /// Sends one line per event to standard error at the chosen level.
    package func bootstrapLogging() {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

extension ListenAddress: ExpressibleByArgument {
    package init?(argument: String) {
        try? self.init(parsing: argument)
    }
}

/// Servers given on the command line as `host:port[,host:port…]`; an empty host is `localhost`.
package struct ServerAddresses: ExpressibleByArgument, Sendable, Hashable {
    package var addresses: [ListenAddress]

    package init(_ addresses: [ListenAddress]) {
        self.addresses = addresses
    }

    package init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map { String($0.filter { !$0.isWhitespace }) }
        guard let addresses = try? parts.map({ try ListenAddress(parsing: $0, defaultHost: "localhost") }),
            !addresses.isEmpty, addresses.allSatisfy({ $0.port != 0 })
        else { return nil }
        self.addresses = addresses
    }

    package var defaultValueDescription: String { addresses.map(\.description).joined(separator: ",") }
}

/// A `Duration` given on the command line as `500ms`, `5s`, `1m`.
package struct DurationArgument: ExpressibleByArgument, Sendable, Hashable {
    package var duration: Duration

    package init(_ duration: Duration) {
        self.duration = duration
    }

    package init?(argument: String) {
        guard let duration = try? Duration(parsing: argument) else { return nil }
        self.duration = duration
    }

    package var defaultValueDescription: String { duration.flagText }
}
