package import Logging

/// What a process logs at start about who can reach it.
package enum SecurityWarnings {
    /// Says who may call the gRPC server at `listenAddress`: with protected mode on (no token)
    /// and a non-loopback address, that only this host is served; with `--insecure`, a warning
    /// that anyone who reaches the port could register a worker, report status or submit tasks.
    package static func checkGRPCExposure(
        service: String, listenAddress: ListenAddress, access: CallerAccess, logger: Logger
    ) {
        guard !listenAddress.isLoopback else { return }
        switch access {
        case .token:
            return
        case .thisHostOnly(let variable):
            logger.notice(
                "the \(service) has no cluster token and serves gRPC callers on this host only; set \(variable) on every coordinator and worker to serve other hosts")
        case .anyone:
            logger.warning(
                """
                SECURITY: the \(service) accepts gRPC calls on \(listenAddress) from other hosts without \
                authentication (--insecure); set \(ClusterToken.environmentVariable) on every coordinator and worker
                """)
        }
    }

    /// Warns when a worker runs shell commands handed to it by anyone who can reach it.
    package static func checkShellExecutor(executor: String, access: CallerAccess, logger: Logger) {
        guard executor == "shell", access.isOpenToAnyone else { return }
        logger.warning(
            """
            SECURITY: this worker runs shell commands and serves callers without a token (--insecure): \
            any process that reaches its port can make it run any command; set \
            \(ClusterToken.environmentVariable) on every coordinator and worker
            """)
    }
}
