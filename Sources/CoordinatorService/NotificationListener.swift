package import Logging
import ServiceLifecycle
import Synchronization
import Core
package import Postgres

/// Holds one database connection that LISTENs on `channels` and calls `handler` for each
/// notification, reconnecting after the database comes back. `handler` also gets nil after each
/// (re)connection, when notifications may have been missed.
package final class NotificationListener: Service, Sendable {
    private let configuration: PostgresConfiguration
    private let channels: [String]
    private let handler: @Sendable (PostgresNotification?) -> Void
    private let logger: Logger
    private let stopping = Mutex(false)

    package init(
        configuration: PostgresConfiguration, channels: [String], logger: Logger,
        handler: @escaping @Sendable (PostgresNotification?) -> Void
    ) {
        self.configuration = configuration
        self.channels = channels
        self.handler = handler
        self.logger = logger
    }

    package func run() async throws {
        let client = PostgresClient(configuration: configuration, maxConnections: 1, logger: logger)
        // Stops on graceful shutdown, and when cancelled because another service of the process
        // failed: the blocking loop on the pool's thread sees only `stopping`.
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                while !isStopping {
                    do {
                        try await client.withConnection { connection in try self.listen(on: connection) }
                    } catch {
                        guard !isStopping else { break }
                        logger.warning("listening for notifications failed, retrying", metadata: [LogKey.error: "\(error)"])
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
            } onGracefulShutdown: {
                self.stop()
            }
        } onCancel: {
            self.stop()
        }
        await client.close()
    }

    private func stop() {
        stopping.withLock { $0 = true }
    }

    private var isStopping: Bool { stopping.withLock { $0 } }

    /// Runs on the pool's thread until shutdown; returns with the connection left unlistened.
    private func listen(on connection: PostgresConnection) throws {
        for channel in channels {
            try connection.execute("LISTEN \(channel)")
        }
        handler(nil)
        while !isStopping {
            for notification in try connection.notifications(waitingUpTo: .milliseconds(200)) {
                handler(notification)
            }
        }
        try connection.execute("UNLISTEN *")
    }
}
