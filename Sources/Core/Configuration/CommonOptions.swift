public import ArgumentParser
public import Logging
import Foundation

/// Options every service shares: logging, and whether callers from other hosts are served
/// without a token.
public struct CommonOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("log_level"), help: "trace, debug, info, notice, warning, error or critical.")
    public var logLevel: Logger.Level = .info

    @Flag(
        name: .customLong("insecure"),
        help: "Without a token, serve callers from other hosts too (protected mode off). Also TASKMASTER_INSECURE=1.")
    public var insecure = false

    /// The variable that turns protected mode off like `--insecure`.
    public static let insecureVariable = "TASKMASTER_INSECURE"

    public init() {}

    /// `--insecure`, or `TASKMASTER_INSECURE` set to `1`, `true` or `yes`.
    public var servesOtherHostsWithoutToken: Bool {
        let setting = ProcessInfo.processInfo.environment[Self.insecureVariable]?.lowercased() ?? ""
        return insecure || ["1", "true", "yes"].contains(setting)
    }

    /// Sends one line per event to standard error at the chosen level.
    public func bootstrapLogging() {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// Options of the services that use PostgreSQL (configured through the environment).
public struct DatabaseOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("data_dir"), help: "Folder of numbered SQL migrations applied at start.")
    public var dataDirectory: String = "data"

    @Option(name: .customLong("db_connections"), help: "Connections in the PostgreSQL pool.")
    public var connections: Int = 4

    public init() {}

    public func validate() throws {
        guard (1...64).contains(connections) else {
            throw ValidationError("--db_connections must be between 1 and 64")
        }
    }

    /// Reads DATABASE_URL or POSTGRES_HOST/PORT/USER/PASSWORD/DB.
    public func postgresConfiguration() throws -> PostgresConfiguration {
        try PostgresConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

extension ExecutorKind: ExpressibleByArgument {}

extension ListenAddress: ExpressibleByArgument {
    public init?(argument: String) {
        try? self.init(parsing: argument)
    }
}

/// A `Duration` given on the command line as `500ms`, `5s`, `1m`.
public struct DurationArgument: ExpressibleByArgument, Sendable, Hashable {
    public var duration: Duration

    public init(_ duration: Duration) {
        self.duration = duration
    }

    public init?(argument: String) {
        guard let duration = try? Duration(parsing: argument) else { return nil }
        self.duration = duration
    }

    public var defaultValueDescription: String { "\(duration.secondsValue)s" }
}
