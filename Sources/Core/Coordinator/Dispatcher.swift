public import Logging
public import ServiceLifecycle
import struct Foundation.UUID

/// Moves due tasks from the database to workers with free slots.
///
/// It runs a round whenever it is woken (a task was submitted, a slot freed) and at least once
/// per poll interval. A round claims no more tasks than the workers have free slots, hands them
/// over concurrently, and puts back in the queue every task whose hand-off failed.
public final class Dispatcher: Service, Sendable {
    private let store: TaskStore
    private let registry: WorkerRegistry
    private let clients: WorkerClientPool
    private let configuration: CoordinatorConfiguration
    private let logger: Logger
    private let sender: WorkerTaskSender
    private let wakeSignal = WakeSignal()

    public init(
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
    public func wake() {
        wakeSignal.signal()
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                let claimedFullBatch = await dispatchDueTasks()
                if !claimedFullBatch {
                    await wakeSignal.wait(timeout: await timeUntilNextRound())
                }
            }
        } onGracefulShutdown: {
            self.wakeSignal.signal()
        }
        logger.info("dispatcher stopped")
    }

    /// One round: reserves free slots, claims as many due tasks with their workers recorded in
    /// the same statement, and hands them over. Returns true when it claimed as many tasks as it
    /// asked for (more may be due).
    @discardableResult
    public func dispatchDueTasks() async -> Bool {
        let workers = registry.reserveSlots(min(registry.freeSlots, configuration.claimBatchLimit))
        guard !workers.isEmpty else { return false }
        let claimed: [ClaimedTask]
        do {
            claimed = try await store.claimDueTasks(assigningTo: workers.map(\.id), lease: configuration.leaseDuration)
        } catch {
            logger.warning("claiming due tasks failed", metadata: [LogKey.error: "\(error)"])
            claimed = []
        }
        registry.cancelReservations(workers.dropFirst(claimed.count))
        guard !claimed.isEmpty else { return false }
        logger.debug("claimed due tasks", metadata: [LogKey.count: "\(claimed.count)"])
        let holders = Dictionary(workers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        await deliver(claimed.compactMap { task in task.workerID.flatMap { holders[$0] }.map { (task, $0) } })
        return claimed.count == workers.count
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

    /// Hands `tasks` (already claimed, held by no worker yet) to workers in round-robin order and
    /// puts every task no worker took back in the queue. Returns how many a worker accepted.
    @discardableResult
    public func handOff(_ tasks: [ClaimedTask]) async -> Int {
        let assignments = Array(zip(tasks, registry.reserveSlots(tasks.count)))
        let unassigned = tasks.dropFirst(assignments.count).map(\.id)
        do {
            try await store.assignWorkers(assignments.map { (taskID: $0.0.id, workerID: $0.1.id) })
            try await store.returnToQueue(unassigned)
        } catch {
            logger.error("recording hand-offs failed", metadata: [LogKey.error: "\(error)"])
        }
        return await deliver(assignments)
    }

    /// Sends each task to the worker it is recorded as held by, one batch per worker, and puts
    /// every task a worker did not take back in the queue. Returns how many were accepted.
    @discardableResult
    private func deliver(_ assignments: [(task: ClaimedTask, worker: RegisteredWorker)]) async -> Int {
        let batches = Dictionary(grouping: assignments, by: { $0.worker.id }).values.map { pairs in
            (worker: pairs[0].worker, tasks: pairs.map(\.task))
        }
        let accepted = await withTaskGroup(of: Set<UUID>.self) { group in
            for (worker, batch) in batches {
                group.addTask { Set(await self.handOff(batch, to: worker)) }
            }
            return await group.reduce(into: Set<UUID>()) { $0.formUnion($1) }
        }
        TaskMetrics.dispatched(count: accepted.count)
        let rejected = assignments.map(\.task.id).filter { !accepted.contains($0) }
        guard !rejected.isEmpty else { return accepted.count }
        do {
            try await store.returnToQueue(rejected)
        } catch {
            logger.error("returning tasks to the queue failed", metadata: [LogKey.error: "\(error)"])
        }
        logger.info("tasks returned to the queue", metadata: [LogKey.count: "\(rejected.count)"])
        return accepted.count
    }

    /// Sends `tasks` to one worker; returns the ids it accepted. The slot of every task it did
    /// not take is given back; a worker that cannot be reached is removed.
    private func handOff(_ tasks: [ClaimedTask], to worker: RegisteredWorker) async -> [UUID] {
        var logger = logger
        logger[metadataKey: LogKey.workerID] = "\(worker.id)"
        let results = await sender.send(tasks.map(\.taskRequest), to: worker.address)
        var accepted: [UUID] = []
        var unreachable = false
        for (task, result) in zip(tasks, results) {
            var taskLogger = logger
            taskLogger[metadataKey: LogKey.taskID] = "\(task.id.uuidString.lowercased())"
            switch result {
            case .success(let response) where response.success:
                taskLogger.info("task dispatched", metadata: [LogKey.attempt: "\(task.attempt)"])
                accepted.append(task.id)
                continue
            case .success(let response):
                taskLogger.warning("worker refused task", metadata: ["message": "\(response.message)"])
            case .failure(let status as GRPCStatus) where status.code == .unavailable:
                if !unreachable { taskLogger.warning("worker unreachable, removed", metadata: [LogKey.error: "\(status)"]) }
                unreachable = true
            case .failure(let error):
                taskLogger.warning("hand-off failed", metadata: [LogKey.error: "\(error)"])
            }
            registry.releaseSlot(of: worker.id)
        }
        if unreachable {
            registry.remove(workerID: worker.id)
            sender.forget(address: worker.address)
            await clients.discard(address: worker.address)
        }
        return accepted
    }
}
