import HTTPTypes
package import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOPosix
import ServiceLifecycle

/// The HTTP/1.1 admin server of the coordinator and the worker: `/healthz`, `/readyz`,
/// `/metrics` and, where the process knows its workers, `/workers`. It runs as a Service next to
/// the process's gRPC server, on SwiftNIO's HTTP/1.1 codec with the limits every HTTP server of
/// the services keeps, and logs the address it bound. On a graceful shutdown it stops
/// accepting, finishes the answers it is writing and closes its connections.
package final class AdminServer: Service, Sendable {
    private typealias Connection = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    package let address: ListenAddress
    private let router: AdminRouter
    private let limits: HTTPServerLimits
    private let tls: ReloadingTLS?
    private let refusedPeers: RefusedPeerLog
    private let logger: Logger
    private let listening = ListeningPort(server: "AdminServer")

    /// `routes` are served beside the health ones (the coordinator's `/workers`); with `tls`,
    /// over HTTPS only.
    package init(
        address: ListenAddress, readiness: [ReadinessCheck], metrics: MetricsRegistry, routes: [AdminRoute] = [],
        limits: HTTPServerLimits = HTTPServerLimits(), tls: ReloadingTLS? = nil, logger: Logger
    ) {
        self.address = address
        router = AdminRouter(routes: HealthEndpoints(readiness: readiness, registry: metrics).routes + routes)
        self.limits = limits
        self.tls = tls
        refusedPeers = RefusedPeerLog(logger: logger)
        self.logger = logger
    }

    /// The bound port once listening; waits for the bind (useful with port 0).
    package func listeningPort() async throws -> Int {
        try await listening.value()
    }

    package func run() async throws {
        try listening.markStarting()
        let server: NIOAsyncChannel<Connection, Never>
        do {
            server = try await bind()
        } catch {
            let failure = ListenError(address: address, cause: error)
            listening.publish(.failure(failure))
            throw failure
        }
        let port = server.channel.localAddress?.port ?? address.port
        listening.publish(.success(port))
        logger.info("admin server listening", metadata: [LogKey.address: "\(ListenAddress(host: address.host, port: port))"])
        try await server.executeThenClose { connections in
            try await withThrowingDiscardingTaskGroup { group in
                var limit = ConnectionLimit(limits.maxConnections)
                for try await connection in connections.cancelOnGracefulShutdown() {
                    await limit.admit()
                    let release = limit.release
                    group.addTask {
                        await self.serve(connection)
                        release()
                    }
                }
            }
        }
    }

    private func bind() async throws -> NIOAsyncChannel<Connection, Never> {
        let limits = limits
        let tls = tls
        let refusedPeers = refusedPeers
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: address.host, port: address.port) { child in
                child.eventLoop.makeCompletedFuture {
                    let pipeline = child.pipeline.syncOperations
                    if let tls { try pipeline.addTLSServerHandlers(tls, protocols: .http1, refusedPeers: refusedPeers) }
                    try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: false)
                    try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: tls != nil))
                    try pipeline.addHandler(limits.makeRequestGuard())
                    return try Connection(wrappingChannelSynchronously: child)
                }
            }
    }

    /// Answers the requests of one connection in order until the client closes it, asks to
    /// close it, or the server shuts down.
    private func serve(_ connection: Connection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var request: HTTPRequest?
                for try await part in inbound.cancelOnGracefulShutdown() {
                    switch part {
                    case .head(let head):
                        request = head
                    case .body:
                        continue
                    case .end:
                        guard let head = request else { continue }
                        request = nil
                        let keepAlive = head.headerFields[.connection]?.lowercased() != "close"
                        let response = await router.response(to: head, logger: logger)
                        try await outbound.write(contentsOf: Self.parts(of: response, for: head, keepAlive: keepAlive))
                        if !keepAlive { return }
                    }
                }
            }
        } catch {
            logger.trace("admin connection ended", metadata: [LogKey.error: "\(error)"])
        }
    }

    /// What is written for `response`: no body for `HEAD`, whose `Content-Length` stays the one of `GET`.
    private static func parts(of response: BufferedResponse, for request: HTTPRequest, keepAlive: Bool) -> [HTTPResponsePart] {
        var head = response.head
        head.headerFields[.server] = "taskmaster-admin"
        head.headerFields[.date] = Timestamp.now().httpDate
        if !keepAlive { head.headerFields[.connection] = "close" }
        guard request.method != .head, response.body.readableBytes > 0 else { return [.head(head), .end(nil)] }
        return [.head(head), .body(response.body), .end(nil)]
    }
}
