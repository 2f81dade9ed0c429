package import Core

/// How the scheduler's HTTP API listens and what it accepts.
package struct SchedulerConfiguration: Sendable, Hashable {
    /// Where the API listens; the default is every interface.
    package var listenAddress = ListenAddress(host: "0.0.0.0", port: 8081)
    /// Where the admin server (`/healthz`, `/readyz`, `/metrics`, no token) listens; nil: none.
    package var adminAddress: ListenAddress?
    /// Largest request body accepted; bigger bodies are refused with 413 without being buffered.
    package var maxBodyBytes = 1 << 20
    /// Largest body of `POST /schedule/batch`.
    package var maxBatchBodyBytes = 16 << 20
    /// `GET /workers` and `GET /coordinators` leave out the workers and the coordinators that have
    /// not been refreshed for this long.
    package var workerStaleness: Duration = .seconds(10)
    /// Bytes of request bodies read and handled at once (handling one takes about ten times its
    /// size); a request that does not fit waits, and is refused with 503 `busy` after half the
    /// body timeout (10 s at most), before that timeout could blame the client.
    package var maxBodyMemory = 16 << 20
    /// Timeouts and the connection limit of the HTTP server.
    package var limits = HTTPServerLimits()
    /// Folder of numbered SQL migrations.
    package var dataDirectory = "data"
    /// When set, every request except to public paths (`isPublic`) needs `Authorization: Bearer <token>`
    /// with one of these tokens, whose role allows what it asks.
    package var apiTokens: ReloadingAPITokens?
    /// With it, the API and the admin server serve HTTPS only.
    package var tls: ReloadingTLS?
    /// Without a token, serve requests from other hosts too (`--insecure`); otherwise they are
    /// refused with 403 (protected mode).
    package var servesOtherHostsWithoutToken = false

    /// The variable that holds the API token.
    package static let apiTokenVariable = "TASKMASTER_API_TOKEN"

    /// Whether a path answers without the API token, and to other hosts in protected mode: the
    /// liveness and readiness probes, and the dashboard's files (they hold no data; the API calls
    /// they make need the token).
    @Sendable package static func isPublic(_ path: String) -> Bool {
        path == "/healthz" || path == "/readyz" || DashboardEndpoints.serves(path)
    }

    package init() {}

    /// Who may call the API when it has no tokens: this host only, or anyone with `--insecure`;
    /// nil when it has tokens.
    package var tokenlessAccess: CallerAccess? {
        guard apiTokens == nil else { return nil }
        return .from(token: nil, insecure: servesOtherHostsWithoutToken, tokenVariable: Self.apiTokenVariable)
    }

    /// The name `TASKMASTER_API_TOKEN` goes by in logs and `created_by`.
    package static let environmentTokenName = "default"

    /// `TASKMASTER_API_TOKEN` of `environment` as an `admin` token named `default`; empty counts as unset.
    package static func apiToken(fromEnvironment environment: [String: String]) -> APIToken? {
        BearerToken(environment[apiTokenVariable]).map { APIToken(name: environmentTokenName, role: .admin, secret: $0) }
    }

    /// A warning to log at start when anyone who can reach the port may schedule commands: the
    /// API listens beyond the loopback interface without a token, and protected mode is off.
    package var exposureWarning: String? {
        guard tokenlessAccess?.isOpenToAnyone == true, !listenAddress.isLoopback else { return nil }
        return "THE API IS OPEN: it listens on \(listenAddress) beyond the loopback interface, "
            + "\(Self.apiTokenVariable) is not set and --insecure is given, so anyone who can reach this port can "
            + "schedule commands that the workers run. Set \(Self.apiTokenVariable), or listen on 127.0.0.1."
    }

    /// What to log at start when protected mode refuses other hosts.
    package var protectedModeNotice: String? {
        guard case .thisHostOnly? = tokenlessAccess, !listenAddress.isLoopback else { return nil }
        return "\(Self.apiTokenVariable) is not set: the API serves requests from this host only "
            + "(other hosts get 403); set the token to serve them"
    }
}
