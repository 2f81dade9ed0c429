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

    /// The variable that turns protected mode off like `--insecure`.
    package static let insecureVariable = "TASKMASTER_INSECURE"

    package init() {}

    /// `--insecure`, or `TASKMASTER_INSECURE` set to `1`, `true` or `yes`.
    package var servesOtherHostsWithoutToken: Bool {
        let setting = ProcessInfo.processInfo.environment[Self.insecureVariable]?.lowercased() ?? ""
        return insecure || ["1", "true", "yes"].contains(setting)
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

    package var defaultValueDescription: String { "\(duration.secondsValue)s" }
}
