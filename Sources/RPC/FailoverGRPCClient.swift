package import Logging
package import NIOCore
import NIOPosix
import Synchronization
package import Core

/// A gRPC client of a service that several interchangeable servers provide: a list
/// (`a:8080,b:8080`), a name with several addresses (a Kubernetes headless service), or both.
///
/// Calls go to one server at a time, through a `GRPCClient` of its own. The first call resolves
/// the names and picks one of the first name's addresses at random (so that the clients of a
/// headless service spread over its servers); `failOver()` moves every later call to the next
/// address in the list, resolved again (servers come and go), wrapping around.
package final class FailoverGRPCClient: ClientService, Sendable {
    private struct State {
        var client: GRPCClient?
        var server: ListenAddress?
        var closed = false
    }

    private let servers: [ListenAddress]
    private let bearerToken: BearerToken?
    private let tls: ReloadingTLS?
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let state = Mutex(State())

    /// `servers` must not be empty; `bearerToken` is sent with every call; with `tls`, each
    /// server's certificate is checked against the name it was given by.
    package init(
        servers: [ListenAddress], bearerToken: BearerToken? = nil, tls: ReloadingTLS? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) {
        precondition(!servers.isEmpty, "a FailoverGRPCClient needs at least one server")
        self.servers = servers
        self.bearerToken = bearerToken
        self.tls = tls
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// The address calls go to; nil before the first call.
    package var server: ListenAddress? { state.withLock { $0.server } }

    /// Calls `method` on the current server, as `GRPCClient.unary` does; UNAVAILABLE also when
    /// no server name resolves.
    package func unary<Request: GRPCMessage, Response: GRPCMessage>(
        _ method: GRPCMethod<Request, Response>,
        request: Request,
        metadata: GRPCMetadata = GRPCMetadata(),
        timeout: Duration? = nil
    ) async throws -> Response {
        let (client, server) = state.withLock { ($0.client, $0.server) }
        let current: GRPCClient
        if let client { current = client } else { current = try await move(from: server) }
        return try await current.unary(method, request: request, metadata: metadata, timeout: timeout)
    }

    /// Moves later calls to the next server (calls in flight on the current one fail with
    /// UNAVAILABLE) and returns its address.
    @discardableResult
    package func failOver() async throws -> ListenAddress {
        let server = state.withLock { $0.server }
        _ = try await move(from: server)
        return state.withLock { $0.server } ?? servers[0]
    }

    package func close() async {
        let client = state.withLock { state in
            state.closed = true
            return state.client
        }
        await client?.close()
    }

    /// Opens the client of the server after `seen`, unless another call moved on from `seen`
    /// already; returns the client in use then.
    private func move(from seen: ListenAddress?) async throws -> GRPCClient {
        let candidates = try await resolveServers()
        let (client, replaced) = try state.withLock { state -> (GRPCClient, GRPCClient?) in
            guard !state.closed else { throw GRPCStatus(code: .unavailable, message: "client is closed") }
            if state.server != seen, let client = state.client { return (client, nil) }
            let next = Self.server(after: seen, in: candidates.map { $0.map(\.address) })
            var configuration = GRPCClientConfiguration(host: next.host, port: next.port)
            configuration.bearerToken = bearerToken
            configuration.tls = tls
            configuration.serverName = candidates.lazy.flatMap { $0 }.first { $0.address == next }?.name
            let client = GRPCClient(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
            defer { (state.client, state.server) = (client, next) }
            return (client, state.client)
        }
        await replaced?.close()
        return client
    }

    /// The next server to use: after `seen` in `candidates` (each name's addresses, in the
    /// order the names were given), or one of the first name's addresses at random.
    private static func server(after seen: ListenAddress?, in candidates: [[ListenAddress]]) -> ListenAddress {
        let all = candidates.flatMap { $0 }
        if let seen, let index = all.firstIndex(of: seen) {
            return all[(index + 1) % all.count]
        }
        return candidates[0].randomElement() ?? all[0]
    }

    /// Every server's addresses with the name each was resolved from, on NIO's blocking-work
    /// pool; names that do not resolve are left out (logged), and UNAVAILABLE is thrown when none does.
    private func resolveServers() async throws -> [[(address: ListenAddress, name: String)]] {
        let servers = servers
        let resolved = try await NIOThreadPool.singleton.runIfActive {
            servers.map { server in Result { try AddressResolver.addresses(of: server).map { ($0, server.host) } } }
        }
        var candidates: [[(address: ListenAddress, name: String)]] = []
        var failures: [String] = []
        for result in resolved {
            switch result {
            case .success(let addresses) where !addresses.isEmpty: candidates.append(addresses)
            case .success: break
            case .failure(let error): failures.append("\(error)")
            }
        }
        for failure in failures { logger.debug("server name does not resolve", metadata: [LogKey.error: "\(failure)"]) }
        guard !candidates.isEmpty else {
            throw GRPCStatus(code: .unavailable, message: failures.first ?? "no server address resolves")
        }
        return candidates
    }
}
