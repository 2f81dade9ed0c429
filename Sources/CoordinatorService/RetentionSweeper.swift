package import Logging
import ServiceLifecycle
import Core
package import TaskStorage

/// Deletes finished tasks once they are older than the retention period, a small batch per
/// statement with a pause between batches, so the table and its indexes stay small without long
/// locks or bursts of write-ahead log.
package final class RetentionSweeper: Service, Sendable {
    package struct Configuration: Sendable, Hashable {
        /// Completed, failed and cancelled tasks are kept this long after they finish; `nil` keeps them forever.
        package var retention: Duration? = .seconds(7 * 24 * 3600)
        /// Time between two sweeps.
        package var interval: Duration = .seconds(5 * 60)
        /// Most tasks one statement deletes.
        package var batchSize = 1000
        /// Pause between two statements of one sweep.
        package var pause: Duration = .milliseconds(50)
        /// Most statements in one sweep; what is left waits for the next one.
        package var maxBatchesPerSweep = 1000

        package init() {}
    }

    private let store: TaskStore
    private let outbox: WebhookOutbox
    private let configuration: Configuration
    private let logger: Logger

    package init(store: TaskStore, outbox: WebhookOutbox, configuration: Configuration, logger: Logger) {
        self.store = store
        self.outbox = outbox
        self.configuration = configuration
        self.logger = logger
    }

    package func run() async throws {
        guard let retention = configuration.retention else {
            logger.info("retention disabled: finished tasks are kept forever")
            try? await gracefulShutdown()
            return
        }
        await PeriodicLoop(every: configuration.interval).run {
            do {
                let deleted = try await self.sweep(retention: retention)
                if deleted > 0 {
                    self.logger.info("deleted finished tasks past retention", metadata: [LogKey.count: "\(deleted)"])
                }
            } catch is CancellationError {
                return
            } catch {
                self.logger.warning("retention sweep failed", metadata: [LogKey.error: "\(error)"])
            }
        }
    }

    /// Deletes, batch by batch, every task that finished more than `retention` ago (up to
    /// `maxBatchesPerSweep` batches), then the webhook deliveries made or given up on as long
    /// ago and their events; returns how many tasks it deleted.
    package func sweep(retention: Duration) async throws -> Int {
        let tasks = try await inBatches { try await self.store.deleteFinishedTasks(olderThan: retention, limit: $0) }
        _ = try await inBatches { try await self.outbox.deleteSettled(olderThan: retention, limit: $0) }
        return tasks
    }

    /// Runs `delete` with the batch size until a batch deletes less; returns the total.
    private func inBatches(_ delete: (Int) async throws -> Int) async throws -> Int {
        var total = 0
        for _ in 0..<configuration.maxBatchesPerSweep {
            let deleted = try await delete(configuration.batchSize)
            total += deleted
            guard deleted >= configuration.batchSize else { break }
            try await Task.sleep(for: configuration.pause)
        }
        return total
    }
}
