package import struct Foundation.UUID
package import Logging
import ServiceLifecycle
import Core
package import TaskStorage

/// Keeps the `workers` table in step with the registry: upserts every live worker once per
/// interval (one statement) and deletes the rows of workers that went away, so the scheduler
/// can list them. On shutdown it deletes the rows it wrote. Rows carry the coordinator's id: a
/// worker that moved on to another coordinator keeps the row the other one writes.
package final class WorkerTableSync: Service, Sendable {
    private let coordinatorID: UUID
    private let registry: WorkerRegistry
    private let store: WorkerStore
    private let interval: Duration
    private let logger: Logger

    /// `coordinatorID`: the coordinator whose rows these are.
    package init(
        coordinatorID: UUID, registry: WorkerRegistry, store: WorkerStore, interval: Duration = .seconds(1), logger: Logger
    ) {
        self.coordinatorID = coordinatorID
        self.registry = registry
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    package func run() async throws {
        let written = await PeriodicLoop(every: interval).run(from: Set<UInt32>()) { await self.sync(written: $0) }
        do {
            try await store.delete(workerIDs: written, coordinator: coordinatorID)
        } catch {
            logger.debug("cannot delete the workers rows at shutdown", metadata: [LogKey.error: "\(error)"])
        }
    }

    /// One round; returns the ids whose rows may exist now.
    private func sync(written: Set<UInt32>) async -> Set<UInt32> {
        let workers = registry.workers
        let live = Set(workers.map(\.id))
        do {
            try await store.upsert(workers, coordinator: coordinatorID)
            try await store.delete(workerIDs: written.subtracting(live), coordinator: coordinatorID)
            return live
        } catch {
            logger.debug("cannot update the workers table", metadata: [LogKey.error: "\(error)"])
            return written.union(live)
        }
    }
}
