import Foundation

/// How the scheduler's HTTP API listens and what it accepts.
public struct SchedulerConfiguration: Sendable, Hashable {
    /// Address to bind; the default listens on every interface.
    public var host: String
    public var port: Int
    /// Largest request body accepted; bigger bodies are refused with 413 without being buffered.
    public var maxBodyBytes: Int
    /// `GET /workers` leaves out workers whose coordinator has not refreshed them for this long.
    public var workerStaleness: Duration = .seconds(10)
    /// Largest body of `POST /schedule/batch`.
    public var maxBatchBodyBytes: Int
    /// When set, every request except to `publicPaths` needs `Authorization: Bearer <apiToken>`.
    public var apiToken: String?

    /// Paths that answer without the API token: the liveness and readiness probes.
    public static let publicPaths: Set<String> = ["/healthz", "/readyz"]

    public init(
        host: String = "0.0.0.0", port: Int = 8081, maxBodyBytes: Int = 1 << 20, maxBatchBodyBytes: Int = 16 << 20,
        apiToken: String? = nil
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxBatchBodyBytes = maxBatchBodyBytes
        self.apiToken = apiToken
    }

    /// `TASKMASTER_API_TOKEN` of this process; empty counts as unset.
    public static func apiToken() -> String? {
        apiToken(fromEnvironment: ProcessInfo.processInfo.environment)
    }

    /// `TASKMASTER_API_TOKEN` of `environment`; empty counts as unset.
    public static func apiToken(fromEnvironment environment: [String: String]) -> String? {
        environment["TASKMASTER_API_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A warning to log at start when anyone who can reach the port may schedule commands: the
    /// API listens beyond the loopback interface and has no token.
    public var exposureWarning: String? {
        guard apiToken == nil, !Self.isLoopback(host) else { return nil }
        return "THE API IS OPEN: it listens on \(host):\(port) beyond the loopback interface and "
            + "TASKMASTER_API_TOKEN is not set, so anyone who can reach this port can schedule commands "
            + "that the workers run. Set TASKMASTER_API_TOKEN, or listen on 127.0.0.1."
    }

    private static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
