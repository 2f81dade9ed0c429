package import Logging
package import NIOCore
import NIOPosix
import ServiceLifecycle
import Core

/// A gRPC server for unary calls over HTTP/2: cleartext (prior knowledge), or TLS with ALPN `h2`.
///
/// Serves until its Task is cancelled or a graceful shutdown is triggered (it is a
/// ServiceLifecycle `Service`). Then it stops accepting connections, tells clients to go away
/// (GOAWAY), lets in-flight calls finish within the grace period and closes the connections.
package final class GRPCServer: Service, Sendable {
    private let configuration: GRPCServerConfiguration
    private let router: GRPCRouter
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let refusedPeers: RefusedPeerLog
    private let listening = ListeningPort(server: "GRPCServer")

    package init(
        configuration: GRPCServerConfiguration,
        router: GRPCRouter,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.router = router.wrappingHandlers { path, handler in ServerCallInterceptor.wrap(handler, path: path) }
        refusedPeers = RefusedPeerLog(logger: logger)
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// The bound port once listening; waits for the bind (useful with port 0).
    package func listeningPort() async throws -> Int {
        try await listening.value()
    }

    /// Whether the server has bound its address (false before that and after a failed bind).
    package var isListening: Bool { listening.isBound }

    package func run() async throws {
        try listening.markStarting()
        let registry = ServerConnectionRegistry()
        let channel: any Channel
        do {
            channel = try await bind(registry: registry)
        } catch {
            let failure = ListenError(address: ListenAddress(host: configuration.host, port: configuration.port), cause: error)
            listening.publish(.failure(failure))
            throw failure
        }
        let port = channel.localAddress?.port ?? configuration.port
        listening.publish(.success(port))
        logger.info(
            "\(configuration.serviceName) listening",
            metadata: [LogKey.address: "\(ListenAddress(host: configuration.host, port: port))"])

        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                try? await channel.closeFuture.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
        await drain(registry, on: channel.eventLoop)
        logger.debug("gRPC server stopped", metadata: [LogKey.grpcPort: "\(port)"])
    }

    private func bind(registry: ServerConnectionRegistry) async throws -> any Channel {
        let router = router
        let logger = logger
        let admission = CallAdmission(
            access: configuration.access, serviceName: configuration.serviceName, refusedPeers: refusedPeers)
        let maxReceiveMessageBytes = configuration.maxReceiveMessageBytes
        let settings = HTTP2Settings(maxConcurrentStreams: configuration.maxConcurrentStreams)
        let tls = configuration.tls
        let refusedPeers = refusedPeers
        return try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    if let tls {
                        try child.pipeline.syncOperations.addTLSServerHandlers(tls, protocols: .grpc, refusedPeers: refusedPeers)
                    }
                    let handler = ServerConnectionHandler(
                        router: router, admission: admission, settings: settings,
                        maxReceiveMessageBytes: maxReceiveMessageBytes, logger: logger)
                    try child.pipeline.syncOperations.addHandler(handler)
                    registry.add(.init(channel: child, handler: NIOLoopBound(handler, eventLoop: child.eventLoop)))
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
    }

    /// Drains open connections and waits until they are closed, forcing them closed when the
    /// grace period ends. Not cancellable: it runs after the serving Task was cancelled.
    private func drain(_ registry: ServerConnectionRegistry, on eventLoop: any EventLoop) async {
        registry.beginGracefulShutdown()
        let grace = TimeAmount.nanoseconds(GRPCTimeout.saturatingNanoseconds(configuration.shutdownGracePeriod))
        let logger = logger
        let forceClose = eventLoop.scheduleTask(in: grace) {
            let remaining = registry.openConnections
            if !remaining.isEmpty {
                logger.debug("grace period over, closing connections", metadata: [LogKey.grpcConnections: "\(remaining.count)"])
            }
            for connection in remaining {
                connection.channel.close(promise: nil)
            }
        }
        var remaining = registry.openConnections
        while !remaining.isEmpty {
            try? await EventLoopFuture.andAllComplete(remaining.map(\.channel.closeFuture), on: eventLoop).get()
            remaining = registry.openConnections
        }
        forceClose.cancel()
    }
}
