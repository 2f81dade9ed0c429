package import Logging
import ServiceLifecycle
import Synchronization
import Core
package import TaskStorage

/// Takes tasks back from workers and coordinators that went away: removes workers that stopped
/// sending heartbeats and requeues the unfinished tasks this coordinator answers for (those of
/// hand-offs the worker never answered without counting them as attempts), each once its last
/// hand-off's deadline passed, looking again when the last such deadline has (a worker that was
/// stopped and continues may still take a hand-off before its deadline, and registers again
/// first: then its hand-offs' outcome and heartbeats decide);
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
    /// Removed workers whose tasks are taken back again at the given instant, unless the worker
    /// registered again by then: what their hand-offs' deadlines kept back at removal.
    private let secondLooks = Mutex<[UInt32: ContinuousClock.Instant]>([:])
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
            recovered += await recoverTasks(of: worker.id, unanswered: worker.unanswered.map(\.task), at: now, logger: logger)
        }
        let due = secondLooks.withLock { looks in
            let due = looks.filter { $0.value <= now }.map(\.key)
            for workerID in due { looks[workerID] = nil }
            return due
        }
        for workerID in due where !registry.isRegistered(workerID) {
            var logger = logger
            logger[metadataKey: LogKey.workerID] = "\(workerID)"
            recovered += await recoverTasks(of: workerID, unanswered: [], at: now, logger: logger)
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

    /// Takes back the tasks of a removed worker whose hand-offs' deadlines passed, and looks
    /// again when the last deadline of the others passes; returns how many.
    private func recoverTasks(
        of workerID: UInt32, unanswered: [ClaimedTask], at now: ContinuousClock.Instant, logger: Logger
    ) async -> Int {
        do {
            // Hand-offs it never answered were not attempts it is known to have made.
            let returned = try await store.returnToQueue(unanswered, onlyPastDeadline: true)
            let recovery = try await store.recoverTasks(ofWorker: workerID)
            if let wait = recovery.lastDeadlineIn {
                secondLooks.withLock { $0[workerID] = now + wait }
            }
            let count = returned + recovery.tasks
            if count > 0 { logger.warning("tasks of a lost worker requeued", metadata: [LogKey.count: "\(count)"]) }
            return count
        } catch {
            logger.error("requeueing a lost worker's tasks failed; their leases will", metadata: [LogKey.error: "\(error)"])
            return 0
        }
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
