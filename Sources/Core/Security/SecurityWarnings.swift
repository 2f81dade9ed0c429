public import Logging

/// Warnings logged at start when a process is reachable by others without a token.
public enum SecurityWarnings {
    /// Warns when gRPC calls to `listenAddress` are accepted from beyond this host without the
    /// cluster token: anyone who reaches the port could register a worker, report status or
    /// submit tasks.
    public static func checkGRPCExposure(
        service: String, listenAddress: ListenAddress, clusterToken: BearerToken?, logger: Logger
    ) {
        guard clusterToken == nil, !listenAddress.isLoopback else { return }
        logger.warning(
            """
            SECURITY: the \(service) accepts gRPC calls on \(listenAddress) from other hosts without \
            authentication; set \(ClusterToken.environmentVariable) on every coordinator and worker, or bind 127.0.0.1
            """)
    }

    /// Warns when a worker runs shell commands handed to it by anyone who can reach it.
    public static func checkShellExecutor(executor: String, clusterToken: BearerToken?, logger: Logger) {
        guard executor == "shell", clusterToken == nil else { return }
        logger.warning(
            """
            SECURITY: this worker runs shell commands and \(ClusterToken.environmentVariable) is not set: \
            any process that reaches its port can make it run any command; set the token on every \
            coordinator and worker
            """)
    }
}

extension ListenAddress {
    /// Whether only this host can connect: `localhost`, `127.0.0.0/8` or `::1`.
    var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
