import Foundation
public import Core

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
    /// Bytes of request bodies read and handled at once (handling one takes about ten times its
    /// size); a request that does not fit waits, and is refused with 503 `busy` after half the
    /// body timeout (10 s at most), before that timeout could blame the client.
    public var maxBodyMemory: Int = 16 << 20
    /// Timeouts and the connection limit of the HTTP server.
    public var limits = HTTPServerLimits()
    /// When set, every request except to `publicPaths` needs `Authorization: Bearer <apiToken>`.
    public var apiToken: String?
    /// Without a token, serve requests from other hosts too (`--insecure`); otherwise they are
    /// refused with 403 (protected mode).
    public var servesOtherHostsWithoutToken: Bool

    /// The variable that holds the API token.
    public static let apiTokenVariable = "TASKMASTER_API_TOKEN"

    /// Paths that answer without the API token, and to other hosts in protected mode: the
    /// liveness and readiness probes.
    public static let publicPaths: Set<String> = ["/healthz", "/readyz"]

    public init(
        host: String = "0.0.0.0", port: Int = 8081, maxBodyBytes: Int = 1 << 20, maxBatchBodyBytes: Int = 16 << 20,
        apiToken: String? = nil, servesOtherHostsWithoutToken: Bool = false
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxBatchBodyBytes = maxBatchBodyBytes
        self.apiToken = apiToken
        self.servesOtherHostsWithoutToken = servesOtherHostsWithoutToken
    }

    /// Who may call the API.
    public var access: CallerAccess {
        .from(token: BearerToken(apiToken), insecure: servesOtherHostsWithoutToken, tokenVariable: Self.apiTokenVariable)
    }

    /// `TASKMASTER_API_TOKEN` of this process; empty counts as unset.
    public static func apiToken() -> String? {
        apiToken(fromEnvironment: ProcessInfo.processInfo.environment)
    }

    /// `TASKMASTER_API_TOKEN` of `environment`; empty counts as unset.
    public static func apiToken(fromEnvironment environment: [String: String]) -> String? {
        environment[apiTokenVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A warning to log at start when anyone who can reach the port may schedule commands: the
    /// API listens beyond the loopback interface without a token, and protected mode is off.
    public var exposureWarning: String? {
        guard access.isOpenToAnyone, !ListenAddress(host: host, port: port).isLoopback else { return nil }
        return "THE API IS OPEN: it listens on \(host):\(port) beyond the loopback interface, "
            + "\(Self.apiTokenVariable) is not set and --insecure is given, so anyone who can reach this port can "
            + "schedule commands that the workers run. Set \(Self.apiTokenVariable), or listen on 127.0.0.1."
    }

    /// What to log at start when protected mode refuses other hosts.
    public var protectedModeNotice: String? {
        guard case .thisHostOnly = access, !ListenAddress(host: host, port: port).isLoopback else { return nil }
        return "\(Self.apiTokenVariable) is not set: the API serves requests from this host only "
            + "(other hosts get 403); set the token to serve them"
    }
}
