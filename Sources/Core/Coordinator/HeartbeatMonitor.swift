public import Logging
public import ServiceLifecycle

/// Removes workers that stopped sending heartbeats.
public final class HeartbeatMonitor: Service, Sendable {
    private let registry: WorkerRegistry
    private let clients: WorkerClientPool
    private let timeout: Duration
    private let logger: Logger

    public init(registry: WorkerRegistry, clients: WorkerClientPool, timeout: Duration, logger: Logger) {
        self.registry = registry
        self.clients = clients
        self.timeout = timeout
        self.logger = logger
    }

    public func run() async throws {
        let checkInterval = min(timeout / 4, .seconds(1))
        // Cancelled on graceful shutdown; an interrupted sleep ends the loop, not the process.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: checkInterval)
                await self.removeSilentWorkers()
            }
        }
    }

    /// One check; returns the workers it removed.
    @discardableResult
    public func removeSilentWorkers(now: ContinuousClock.Instant = .now) async -> [RegisteredWorker] {
        let removed = registry.removeWorkers(silentSince: now - timeout)
        for worker in removed {
            logger.warning(
                "worker missed its heartbeats, removed",
                metadata: [LogKey.workerID: "\(worker.id)", LogKey.address: "\(worker.address)"])
            await clients.discard(address: worker.address)
        }
        return removed
    }
}
