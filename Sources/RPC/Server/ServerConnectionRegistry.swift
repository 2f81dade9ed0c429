import NIOCore
import Synchronization

/// The open connections of a server, so that shutdown can drain and close them.
final class ServerConnectionRegistry: Sendable {
    struct Connection: Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<ServerConnectionHandler>

        func beginGracefulShutdown() {
            handler.eventLoop.execute { handler.value.beginGracefulShutdown() }
        }
    }

    private struct State {
        var connections: [ObjectIdentifier: Connection] = [:]
        var isShuttingDown = false
    }

    private let state = Mutex(State())

    /// Tracks `connection` until its channel closes; one accepted during shutdown drains at once.
    func add(_ connection: Connection) {
        let key = ObjectIdentifier(connection.channel)
        let isShuttingDown = state.withLock { state in
            state.connections[key] = connection
            return state.isShuttingDown
        }
        connection.channel.closeFuture.whenComplete { _ in
            _ = self.state.withLock { $0.connections.removeValue(forKey: key) }
        }
        if isShuttingDown {
            connection.beginGracefulShutdown()
        }
    }

    /// Starts draining every connection, now and as they arrive.
    func beginGracefulShutdown() {
        let connections = state.withLock { state in
            state.isShuttingDown = true
            return Array(state.connections.values)
        }
        for connection in connections {
            connection.beginGracefulShutdown()
        }
    }

    /// The connections still open.
    var openConnections: [Connection] {
        state.withLock { Array($0.connections.values) }
    }
}
