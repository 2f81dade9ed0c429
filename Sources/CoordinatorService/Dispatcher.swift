package import Logging
import ServiceLifecycle
import struct Foundation.UUID
import Core
import RPC
package import TaskStorage

/// Moves due tasks from the database to workers with free slots.
///
/// It runs a round whenever it is woken (a task was submitted, a slot freed) and at least once
/// per poll interval. A round claims no more tasks than the workers have free slots, hands them
/// over concurrently, and puts back in the queue every task whose hand-off failed.
package final class Dispatcher: Service, Sendable {
    private let store: TaskStore
    private let registry: WorkerRegistry
    private let clients: WorkerClientPool
    private let configuration: CoordinatorConfiguration
    private let logger: Logger
    private let sender: WorkerTaskSender
    private let wakeSignal = WakeSignal()
    /// Refused and failed hand-offs of one worker are logged at most once every ten seconds.
    private let handOffWarnings = LogThrottle()

    package init(
        store: TaskStore, registry: WorkerRegistry, clients: WorkerClientPool,
        configuration: CoordinatorConfiguration, logger: Logger
    ) {
        self.store = store
        self.registry = registry
        self.clients = clients
        sender = WorkerTaskSender(clients: clients, timeout: configuration.handOffTimeout)
        self.configuration = configuration
        self.logger = logger
    }

    /// Asks for a dispatch round now.
    package func wake() {
        wakeSignal.signal()
    }

    /// Claims and hands over due tasks until shutdown. A round's hand-offs run while the next
    /// round claims, so the database and the workers are busy at the same time.
    package func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                while !Task.isShuttingDownGracefully, !Task.isCancelled {
                    let round = await claimRound()
                    if !round.assignments.isEmpty {
                        group.addTask { await self.deliver(round.assignments) }
                    }
                    if !round.claimedAll {
                        await wakeSignal.wait(timeout: await timeUntilNextRound())
                    }
                }
            }
        } onGracefulShutdown: {
            self.wakeSignal.signal()
        }
        logger.info("dispatcher stopped")
    }

    /// One round, hand-offs included. Returns true when it claimed as many tasks as it asked
    /// for (more may be due).
    @discardableResult
    func dispatchDueTasks() async -> Bool {
        let round = await claimRound()
        await deliver(round.assignments)
        return round.claimedAll
    }

    /// Reserves free slots and claims as many due tasks, each recorded as held by its worker in
    /// the same statement. `claimedAll`: every reserved slot got a task (more may be due).
    private func claimRound() async -> (assignments: [(task: ClaimedTask, worker: RegisteredWorker)], claimedAll: Bool) {
        let workers = registry.reserveSlots(configuration.claimBatchLimit)
        guard !workers.isEmpty else { return ([], false) }
        let claimed: [ClaimedTask]
        do {
            claimed = try await store.claimDueTasks(assigningTo: workers.map(\.id), lease: configuration.leaseDuration)
        } catch {
            logger.warning("claiming due tasks failed", metadata: [LogKey.error: "\(error)"])
            claimed = []
        }
        registry.cancelReservations(workers.dropFirst(claimed.count))
        if !claimed.isEmpty {
            logger.debug("claimed due tasks", metadata: [LogKey.count: "\(claimed.count)"])
        }
        let holders = Dictionary(workers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let assignments = claimed.compactMap { task in task.workerID.flatMap { holders[$0] }.map { (task: task, worker: $0) } }
        return (assignments, !claimed.isEmpty && claimed.count == workers.count)
    }

    /// Sleeps until the earliest waiting task is due (by the database clock), but no longer
    /// than the poll interval, and not at all while no worker has a free slot to run it.
    private func timeUntilNextRound() async -> Duration {
        guard registry.freeSlots > 0 else { return configuration.pollInterval }
        do {
            guard let due = try await store.timeUntilNextDueTask() else { return configuration.pollInterval }
            // A floor keeps tasks that just bounced off a refusing worker from spinning the loop.
            return min(max(due, .milliseconds(2)), configuration.pollInterval)
        } catch {
            return configuration.pollInterval
        }
    }

    /// Sends each task to the worker it is recorded as held by, one batch per worker, and puts
    /// every task a worker did not take back in the queue.
    private func deliver(_ assignments: [(task: ClaimedTask, worker: RegisteredWorker)]) async {
        guard !assignments.isEmpty else { return }
        let batches = Dictionary(grouping: assignments, by: { $0.worker.id }).values.map { pairs in
            (worker: pairs[0].worker, tasks: pairs.map(\.task))
        }
        let accepted = Set(await batches.concurrentMap { await self.handOff($0.tasks, to: $0.worker) }.joined())
        TaskMetrics.dispatched(count: accepted.count)
        let rejected = assignments.map(\.task).filter { !accepted.contains($0.id) }
        guard !rejected.isEmpty else { return }
        do {
            try await store.returnToQueue(rejected)
        } catch {
            logger.error("returning tasks to the queue failed", metadata: [LogKey.error: "\(error)"])
        }
        logger.info("tasks returned to the queue", metadata: [LogKey.count: "\(rejected.count)"])
    }

    /// Sends `tasks` to one worker; returns the ids it accepted. The slot of every task it did
    /// not take is given back; a worker that cannot be reached is removed.
    private func handOff(_ tasks: [ClaimedTask], to worker: RegisteredWorker) async -> [UUID] {
        // The worker refuses what it reads after the coordinator gave up (a worker that was
        // stopped, say): such a hand-off is back in the queue by then.
        let acceptBefore = Timestamp(
            microsecondsSinceEpoch: Timestamp.now().microsecondsSinceEpoch + configuration.handOffTimeout.microseconds)
        let results = await sender.send(tasks.map { $0.taskRequest(acceptBefore: acceptBefore) }, to: worker.address)
        var accepted: [UUID] = []
        var unreachable: GRPCStatus?
        var refusals: [(task: ClaimedTask, reason: String)] = []
        for (task, result) in zip(tasks, results) {
            switch result {
            case .success(let response) where response.success:
                logger.debug(
                    "task dispatched",
                    metadata: [
                        LogKey.taskID: "\(task.id.uuidString.lowercased())", LogKey.workerID: "\(worker.id)",
                        LogKey.attempt: "\(task.attempt)",
                    ])
                accepted.append(task.id)
                continue
            case .success(let response):
                refusals.append((task, "refused: \(response.message)"))
            case .failure(let status as GRPCStatus) where status.code == .unavailable:
                unreachable = status
            case .failure(let error):
                refusals.append((task, "failed: \(error)"))
            }
            registry.releaseSlot(of: worker.id)
        }
        if let first = refusals.first, handOffWarnings.allows("\(worker.id)") {
            logger.warning(
                "hand-off \(first.reason)",
                metadata: [
                    LogKey.taskID: "\(first.task.id.uuidString.lowercased())", LogKey.workerID: "\(worker.id)",
                    LogKey.count: "\(refusals.count)",
                ])
        }
        if let unreachable {
            logger.warning("worker unreachable, removed", metadata: [LogKey.workerID: "\(worker.id)", LogKey.error: "\(unreachable)"])
            registry.remove(workerID: worker.id)
            sender.forget(address: worker.address)
            await clients.discard(address: worker.address)
        }
        return accepted
    }
}
