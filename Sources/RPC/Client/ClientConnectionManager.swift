import APIClient
import Core
import Logging
import NIOCore
import NIOPosix

/// Owns a client's connection to its server: opens it on the first call, queues calls while it
/// connects, and opens a new one after the old one was lost or told to go away.
/// Confined to `eventLoop`, which also runs the connection.
final class ClientConnectionManager {
    private enum State {
        case idle
        case connecting(waiting: [ClientCall])
        case ready(ClientConnectionHandler)
        case closed
    }

    let eventLoop: any EventLoop
    private let configuration: GRPCClientConfiguration
    private let authority: String
    private let logger: Logger
    private var state = State.idle

    init(configuration: GRPCClientConfiguration, eventLoop: any EventLoop, logger: Logger) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.logger = logger
        authority =
            configuration.host.contains(":")
            ? "[\(configuration.host)]:\(configuration.port)" : "\(configuration.host):\(configuration.port)"
    }

    func start(_ call: ClientCall, continuation: CheckedContinuation<ByteBuffer, any Error>) {
        guard call.attach(continuation) else { return }
        switch state {
        case .ready(let connection) where connection.isAcceptingCalls:
            connection.start(call)
        case .connecting(var waiting):
            waiting.append(call)
            state = .connecting(waiting: waiting)
        case .idle, .ready:
            connect(firstCall: call)
        case .closed:
            call.finish(.failure(GRPCStatus(code: .unavailable, message: "client is closed")))
        }
    }

    /// Closes the connection for good; calls waiting or in flight fail with UNAVAILABLE.
    func close() -> EventLoopFuture<Void> {
        let previous = state
        state = .closed
        switch previous {
        case .connecting(let waiting):
            for call in waiting {
                call.finish(.failure(GRPCStatus(code: .unavailable, message: "client is closed")))
            }
        case .ready(let connection):
            return connection.close() ?? eventLoop.makeSucceededVoidFuture()
        case .idle, .closed:
            break
        }
        return eventLoop.makeSucceededVoidFuture()
    }

    private func connect(firstCall: ClientCall) {
        state = .connecting(waiting: [firstCall])
        let tlsContext = configuration.tls?.grpcClientContext
        let serverName = configuration.serverName ?? configuration.host
        let connection = ClientConnectionHandler(
            authority: authority, scheme: tlsContext == nil ? "http" : "https",
            maxReceiveMessageBytes: configuration.maxReceiveMessageBytes, logger: logger
        ) { [weak self] in
            self?.connectionUnusable()
        }
        let boundConnection = NIOLoopBound(connection, eventLoop: eventLoop)
        logger.debug("connecting", metadata: [LogKey.grpcPeer: "\(authority)"])
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(GRPCTimeout.saturatingNanoseconds(configuration.connectTimeout)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext { try channel.pipeline.syncOperations.addTLSClientHandler(context: tlsContext, host: serverName) }
                    try channel.pipeline.syncOperations.addHandler(boundConnection.value)
                }
            }
            .connect(host: configuration.host, port: configuration.port)
            .assumeIsolated()
            .whenComplete { result in
                self.connected(connection, result: result.map { _ in () })
            }
    }

    private func connected(_ connection: ClientConnectionHandler, result: Result<Void, any Error>) {
        guard case .connecting(let waiting) = state else {
            _ = connection.close()
            return
        }
        switch result {
        case .success:
            state = .ready(connection)
            for call in waiting where !call.isFinished {
                connection.start(call)
            }
        case .failure(let error):
            logger.debug("cannot connect", metadata: [LogKey.grpcPeer: "\(authority)", LogKey.error: "\(error)"])
            state = .idle
            for call in waiting {
                call.finish(.failure(GRPCStatus(code: .unavailable, message: "cannot connect to \(authority): \(error)")))
            }
        }
    }

    private func connectionUnusable() {
        if case .ready = state {
            state = .idle
        }
    }
}
