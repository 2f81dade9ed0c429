public import Logging
public import ServiceLifecycle

/// Keeps the `workers` table in step with the registry: upserts every live worker once per
/// interval (one statement) and deletes the rows of workers that went away, so the scheduler
/// can list them. On shutdown it deletes the rows it wrote.
public final class WorkerTableSync: Service, Sendable {
    private let registry: WorkerRegistry
    private let store: WorkerStore
    private let interval: Duration
    private let logger: Logger

    public init(registry: WorkerRegistry, store: WorkerStore, interval: Duration = .seconds(1), logger: Logger) {
        self.registry = registry
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        // Cancelled on graceful shutdown; an interrupted sleep ends the loop, not the process.
        let written = await cancelWhenGracefulShutdown {
            var written = Set<UInt32>()
            while !Task.isCancelled {
                written = await self.sync(written: written)
                try? await Task.sleep(for: self.interval)
            }
            return written
        }
        do {
            try await store.delete(workerIDs: written)
        } catch {
            logger.debug("cannot delete the workers rows at shutdown", metadata: [LogKey.error: "\(error)"])
        }
    }

    /// One round; returns the ids whose rows may exist now.
    private func sync(written: Set<UInt32>) async -> Set<UInt32> {
        let workers = registry.workers
        let live = Set(workers.map(\.id))
        do {
            try await store.upsert(workers)
            try await store.delete(workerIDs: written.subtracting(live))
            return live
        } catch {
            logger.debug("cannot update the workers table", metadata: [LogKey.error: "\(error)"])
            return written.union(live)
        }
    }
}
