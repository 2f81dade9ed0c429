package import Logging
import ServiceLifecycle
import Synchronization
import Core
package import TaskStorage

/// Deletes finished tasks once they are older than the retention period (their output with
/// them), forgets the output of finished tasks older than the output retention, and deletes the
/// live output of attempts that have ended; a small batch per statement with a pause between
/// batches, so the tables and their indexes stay small without long locks or bursts of
/// write-ahead log.
package final class RetentionSweeper: Service, Sendable {
    package struct Configuration: Sendable, Hashable {
        /// Completed, failed and cancelled tasks are kept this long after they finish; `nil` keeps them forever.
        package var retention: Duration? = .seconds(7 * 24 * 3600)
        /// The output of finished tasks is kept this long after they finish (never longer than
        /// the tasks); `nil` keeps it as long as the task.
        package var outputRetention: Duration?
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
    /// Where the last sweep of old output stopped.
    private let outputMark = Mutex<OutputRetentionMark?>(nil)

    package init(store: TaskStore, outbox: WebhookOutbox, configuration: Configuration, logger: Logger) {
        self.store = store
        self.outbox = outbox
        self.configuration = configuration
        self.logger = logger
    }

    package func run() async throws {
        if configuration.retention == nil {
            logger.info("retention disabled: finished tasks are kept forever")
        }
        await PeriodicLoop(every: configuration.interval).run {
            do {
                let deleted = try await self.sweep()
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

    /// Deletes, batch by batch, the live output of ended attempts; then every task that finished
    /// more than the retention ago (up to `maxBatchesPerSweep` batches), then the webhook
    /// deliveries made or given up on as long ago and their events; then forgets the output of
    /// tasks that finished more than the output retention ago. Returns how many tasks it deleted.
    package func sweep() async throws -> Int {
        _ = try await inBatches { try await self.store.deleteEndedLiveOutput(limit: $0) }
        var tasks = 0
        if let retention = configuration.retention {
            tasks = try await inBatches { try await self.store.deleteFinishedTasks(olderThan: retention, limit: $0) }
            _ = try await inBatches { try await self.outbox.deleteSettled(olderThan: retention, limit: $0) }
        }
        if let outputRetention = configuration.outputRetention, configuration.retention.map({ outputRetention < $0 }) ?? true {
            try await forgetOldOutput(outputRetention)
        }
        return tasks
    }

    /// Forgets the output of tasks that finished more than `age` ago, going on from where the
    /// previous sweep stopped.
    private func forgetOldOutput(_ age: Duration) async throws {
        for _ in 0..<configuration.maxBatchesPerSweep {
            let after = outputMark.withLock { $0 }
            guard let mark = try await store.forgetOutput(finishedBefore: age, after: after, limit: configuration.batchSize) else {
                return
            }
            outputMark.withLock { $0 = mark }
            try await Task.sleep(for: configuration.pause)
        }
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
