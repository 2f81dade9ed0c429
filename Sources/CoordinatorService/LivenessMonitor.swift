package import Logging
import ServiceLifecycle
import Core
package import TaskStorage

/// Takes tasks back from workers and coordinators that went away: removes workers that stopped
/// sending heartbeats and requeues the unfinished tasks this coordinator answers for at once
/// (those of hand-offs the worker never answered without counting them as attempts);
/// requeues the tasks of other coordinators silent for the heartbeat timeout (what their workers
/// did not take to another coordinator by then); and requeues tasks whose lease expired (their
/// worker died while no coordinator watched, for example). The last two only once
/// `leaseRecovery` says the leases could have been renewed.
package final class LivenessMonitor: Service, Sendable {
    private let registry: WorkerRegistry
    private let clients: WorkerClientPool
    private let store: TaskStore
    private let dispatcher: Dispatcher
    private let heartbeatTimeout: Duration
    private let leaseRecovery: LeaseRecoveryGate
    private let logger: Logger

    package init(
        registry: WorkerRegistry, clients: WorkerClientPool, store: TaskStore, dispatcher: Dispatcher,
        heartbeatTimeout: Duration, leaseRecovery: LeaseRecoveryGate, logger: Logger
    ) {
        self.registry = registry
        self.clients = clients
        self.store = store
        self.dispatcher = dispatcher
        self.heartbeatTimeout = heartbeatTimeout
        self.leaseRecovery = leaseRecovery
        self.logger = logger
    }

    package func run() async throws {
        await PeriodicLoop(every: min(heartbeatTimeout / 4, .seconds(1))).run { await self.check() }
    }

    /// One check; returns the workers it removed.
    @discardableResult
    package func check(now: ContinuousClock.Instant = .now) async -> [RegisteredWorker] {
        let removed = registry.removeWorkers(silentSince: now - heartbeatTimeout)
        var recovered = 0
        for worker in removed {
            var logger = logger
            logger[metadataKey: LogKey.workerID] = "\(worker.id)"
            logger.warning("worker missed its heartbeats, removed", metadata: [LogKey.address: "\(worker.address)"])
            await clients.discard(address: worker.address)
            do {
                // Hand-offs it never answered were not attempts it is known to have made.
                let unanswered = try await store.returnToQueue(worker.unanswered.map(\.task))
                let count = try await store.recoverTasks(ofWorker: worker.id) + unanswered
                recovered += count
                if count > 0 { logger.warning("tasks of a lost worker requeued", metadata: [LogKey.count: "\(count)"]) }
            } catch {
                logger.error("requeueing a lost worker's tasks failed; their leases will", metadata: [LogKey.error: "\(error)"])
            }
        }
        if leaseRecovery.isOpen(at: now) {
            recovered += await recoverTasksOfLostCoordinators(at: now)
            do {
                let expired = try await store.recoverExpiredLeases()
                recovered += expired
                if expired > 0 { logger.warning("tasks with expired leases requeued", metadata: [LogKey.count: "\(expired)"]) }
            } catch {
                leaseRecovery.databaseFailed(at: now)
                logger.warning("recovering expired leases failed", metadata: [LogKey.error: "\(error)"])
            }
        }
        if recovered > 0 { dispatcher.wake() }
        return removed
    }

    /// Takes back the tasks of the coordinators silent for the heartbeat timeout; returns how many.
    /// Run only while `leaseRecovery` is open: after a database outage every coordinator's row is
    /// stale until it has written it again, which it has once the database answered for the grace.
    private func recoverTasksOfLostCoordinators(at now: ContinuousClock.Instant) async -> Int {
        do {
            let lost = try await store.recoverTasksOfLostCoordinators(silentFor: heartbeatTimeout)
            for coordinatorID in lost.coordinatorIDs {
                logger.warning("coordinator missed its heartbeats, its row removed", metadata: [LogKey.coordinatorID: "\(coordinatorID)"])
            }
            if lost.tasks > 0 { logger.warning("tasks of a lost coordinator requeued", metadata: [LogKey.count: "\(lost.tasks)"]) }
            return lost.tasks
        } catch {
            leaseRecovery.databaseFailed(at: now)
            logger.warning("recovering a lost coordinator's tasks failed", metadata: [LogKey.error: "\(error)"])
            return 0
        }
    }
}
