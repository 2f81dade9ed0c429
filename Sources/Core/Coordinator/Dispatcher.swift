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
    private let wakeSignal = WakeSignal()

    public init(
        store: TaskStore, registry: WorkerRegistry, clients: WorkerClientPool,
        configuration: CoordinatorConfiguration, logger: Logger
    ) {
        self.store = store
        self.registry = registry
        self.clients = clients
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

    /// One round; returns true when it claimed as many tasks as it asked for (more may be due).
    @discardableResult
    public func dispatchDueTasks() async -> Bool {
        let limit = min(registry.freeSlots, configuration.claimBatchLimit)
        guard limit > 0 else { return false }
        let claimed: [ClaimedTask]
        do {
            claimed = try await store.claimDueTasks(limit: limit, lease: configuration.leaseDuration)
        } catch {
            logger.warning("claiming due tasks failed", metadata: [LogKey.error: "\(error)"])
            return false
        }
        guard !claimed.isEmpty else { return false }
        logger.debug("claimed due tasks", metadata: [LogKey.count: "\(claimed.count)"])
        await handOff(claimed)
        return claimed.count == limit
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

    /// Hands `tasks` (already claimed) to workers in round-robin order; returns how many a worker accepted.
    @discardableResult
    public func handOff(_ tasks: [ClaimedTask]) async -> Int {
        let workers = registry.reserveSlots(tasks.count)
        let assignments = Array(zip(tasks, workers))
        let accepted = await withTaskGroup(of: (ClaimedTask, RegisteredWorker, Bool).self) { group in
            for (task, worker) in assignments {
                group.addTask { (task, worker, await self.submit(task, to: worker)) }
            }
            var accepted: [(ClaimedTask, RegisteredWorker)] = []
            for await (task, worker, ok) in group where ok {
                accepted.append((task, worker))
            }
            return accepted
        }
        TaskMetrics.dispatched(count: accepted.count)
        let acceptedIDs = Set(accepted.map(\.0.id))
        let rejected = tasks.filter { !acceptedIDs.contains($0.id) }
        do {
            try await store.assignWorkers(accepted.map { (taskID: $0.0.id, workerID: $0.1.id) })
            try await store.returnToQueue(rejected.map(\.id))
        } catch {
            logger.error("recording hand-offs failed", metadata: [LogKey.error: "\(error)"])
        }
        if !rejected.isEmpty {
            logger.info("tasks returned to the queue", metadata: [LogKey.count: "\(rejected.count)"])
        }
        return accepted.count
    }

    /// Sends one task to one worker; false (and the slot given back) when the worker did not take it.
    private func submit(_ task: ClaimedTask, to worker: RegisteredWorker) async -> Bool {
        var logger = logger
        logger[metadataKey: LogKey.taskID] = "\(task.id.uuidString.lowercased())"
        logger[metadataKey: LogKey.workerID] = "\(worker.id)"
        do {
            let client = try clients.client(for: worker.address)
            let response: TaskResponse = try await client.unary(
                GRPCAPIMethods.workerSubmitTask, request: task.taskRequest, timeout: configuration.handOffTimeout)
            guard response.success else {
                logger.warning("worker refused task", metadata: ["message": "\(response.message)"])
                registry.releaseSlot(of: worker.id)
                return false
            }
            logger.info("task dispatched", metadata: [LogKey.attempt: "\(task.attempt)"])
            return true
        } catch let status as GRPCStatus where status.code == .unavailable {
            logger.warning("worker unreachable, removed", metadata: [LogKey.error: "\(status)"])
            registry.remove(workerID: worker.id)
            await clients.discard(address: worker.address)
            return false
        } catch {
            logger.warning("hand-off failed", metadata: [LogKey.error: "\(error)"])
            registry.releaseSlot(of: worker.id)
            return false
        }
    }
}
