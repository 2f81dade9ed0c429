package import Logging
package import NIOCore
import Synchronization
package import Core
package import RPC

/// One RPC client (one HTTP/2 connection) per worker address, created on first use.
package final class WorkerClientPool: ClientService, Sendable {
    private let clients = Mutex<[String: GRPCClient]>([:])
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let bearerToken: BearerToken?
    private let tls: ReloadingTLS?
    private let tlsServerName: String?

    /// `bearerToken` (the cluster token) is sent with every call to a worker; with `tls`, calls
    /// go over TLS and each worker's certificate is checked against `tlsServerName`, or the host
    /// it advertises when that is nil.
    package init(
        eventLoopGroup: any EventLoopGroup, logger: Logger, bearerToken: BearerToken? = nil, tls: ReloadingTLS? = nil,
        tlsServerName: String? = nil
    ) {
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.bearerToken = bearerToken
        self.tls = tls
        self.tlsServerName = tlsServerName
    }

    /// The client for `address` (`host:port`).
    package func client(for address: String) throws -> GRPCClient {
        let target = try ListenAddress(parsing: address, defaultHost: "127.0.0.1")
        return clients.withLock { clients in
            if let client = clients[address] { return client }
            var configuration = GRPCClientConfiguration(host: target.host, port: target.port)
            configuration.bearerToken = bearerToken
            configuration.tls = tls
            configuration.serverName = tlsServerName
            let client = GRPCClient(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
            clients[address] = client
            return client
        }
    }

    /// Closes and forgets the client of a worker that went away.
    package func discard(address: String) async {
        let client = clients.withLock { $0.removeValue(forKey: address) }
        await client?.close()
    }

    /// Closes every client it holds.
    package func close() async {
        let all = clients.withLock { clients in
            defer { clients.removeAll() }
            return Array(clients.values)
        }
        for client in all { await client.close() }
    }
}
