package import Logging
import ServiceLifecycle
import Synchronization
import Core
import RPC
package import SpanExport
package import TaskStorage

/// Moves due tasks from the database to workers with free slots.
///
/// It runs a round whenever it is woken (a task was submitted, a slot freed) and at least once
/// per poll interval. A round claims no more tasks than the workers have free slots, hands them
/// over concurrently, and puts back in the queue at once every task a worker refused or that
/// never reached it (no connection). A task whose hand-off went unanswered stays with its worker
/// until its heartbeats tell whether it took it in time (see `WorkerRegistryState`). A worker
/// that did not take every task it was sent gets no more until its next heartbeat.
///
/// Workers that take tasks from the same queues share the round's claims. While some of those
/// queues have limits, a round makes two claims, one from the queues with limits and one from
/// the others, and the two take turns going first, so neither kind keeps every free slot (see `ClaimTurns`).
package final class Dispatcher: Service, Sendable {
    private let store: TaskStore
    private let registry: WorkerRegistry
    private let restrictions: QueueRestrictions
    private let clients: WorkerClientPool
    private let configuration: CoordinatorConfiguration
    private let logger: Logger
    private let sender: WorkerTaskSender
    private let spans: TaskSpans
    private let wakeSignal = WakeSignal()
    /// Refused and failed hand-offs of one worker are logged at most once every ten seconds.
    private let handOffWarnings = LogThrottle()
    /// The order of the claims of a round that makes both kinds.
    private let turns = Mutex(ClaimTurns())

    package init(
        store: TaskStore, registry: WorkerRegistry, restrictions: QueueRestrictions, clients: WorkerClientPool,
        configuration: CoordinatorConfiguration, spans: TaskSpans = .disabled, logger: Logger
    ) {
        self.spans = spans
        self.store = store
        self.registry = registry
        self.restrictions = restrictions
        self.clients = clients
        sender = WorkerTaskSender(clients: clients)
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
                        group.addTask { await self.deliver(round) }
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
        await deliver(round)
        return round.claimedAll
    }

    /// The tasks a round claimed, each with the worker it goes to, and their hand-offs' deadline.
    private struct Round {
        var assignments: [(task: ClaimedTask, worker: RegisteredWorker)] = []
        /// By this coordinator's clock; workers refuse the hand-offs they read later.
        var acceptBefore: Timestamp
        /// `acceptBefore` by this host's monotonic clock.
        var deadline: ContinuousClock.Instant
        /// Every reserved slot got a task (more may be due).
        var claimedAll = false
    }

    /// Reserves free slots and claims as many due tasks for them, each recorded as held by its
    /// worker in the claim's statement; gives back the slots that got no task.
    private func claimRound() async -> Round {
        // Read before the claim starts: the database sets its deadline for these hand-offs
        // `handOffTimeout` after the claim's start by its own clock, so it is no earlier.
        let deadline = ContinuousClock.now + configuration.handOffTimeout
        let acceptBefore = Timestamp(
            microsecondsSinceEpoch: Timestamp.now().microsecondsSinceEpoch + configuration.handOffTimeout.microseconds)
        let workers = registry.reserveSlots(configuration.claimBatchLimit)
        guard !workers.isEmpty else { return Round(acceptBefore: acceptBefore, deadline: deadline) }
        await restrictions.refreshIfNeeded()
        let order = turns.withLock { $0.next(at: .now) }
        var claimed: [ClaimedTask] = []
        let claimStart = Timestamp.now()
        for (queues, group) in Dictionary(grouping: workers, by: \.queues) {
            var open = group
            let kinds: [ClaimKind] = restrictions.restrictsAny(of: queues) ? order : [.unlimited]
            for kind in kinds where !open.isEmpty {
                let tasks = await claim(kind, for: open, queues: queues)
                if kind == .unlimited { turns.withLock { $0.unlimitedClaimed(tasks.count, at: .now) } }
                claimed += tasks
                open = Self.removing(holdersOf: tasks, from: open)
            }
        }
        spans.recordClaims(claimed, since: claimStart)
        let unused = Self.removing(holdersOf: claimed, from: workers)
        registry.cancelReservations(unused)
        if !claimed.isEmpty {
            logger.debug("claimed due tasks", metadata: [LogKey.count: "\(claimed.count)"])
        }
        let holders = Dictionary(workers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return Round(
            assignments: claimed.compactMap { task in task.workerID.flatMap { holders[$0] }.map { (task: task, worker: $0) } },
            acceptBefore: acceptBefore, deadline: deadline, claimedAll: !claimed.isEmpty && unused.isEmpty)
    }

    /// One claim of `kind` for the reserved slots `workers` (one task each at most), from `queues`.
    private func claim(_ kind: ClaimKind, for workers: [RegisteredWorker], queues: [String]?) async -> [ClaimedTask] {
        let workerIDs = workers.map { Optional($0.id) }
        do {
            switch kind {
            case .limited:
                return try await store.claimLimitedTasks(
                    assigningTo: workerIDs, queues: queues, lease: configuration.leaseDuration,
                    handOffDeadline: configuration.handOffTimeout, priorityAging: configuration.priorityAging)
            case .unlimited:
                return try await store.claimDueTasks(
                    assigningTo: workerIDs, queues: queues, lease: configuration.leaseDuration,
                    handOffDeadline: configuration.handOffTimeout, priorityAging: configuration.priorityAging)
            }
        } catch {
            logger.warning("claiming due tasks failed", metadata: [LogKey.error: "\(error)"])
            return []
        }
    }

    /// Ends each hand-off span, failed when the worker did not take its task.
    private static func end(_ spans: [TaskSpan?], with results: [Result<TaskResponse, any Error>]) {
        for (span, result) in zip(spans, results) {
            switch result {
            case .success(let response) where !response.success: span?.fail("refused: \(response.message)")
            case .failure(let error): span?.fail("\(error)")
            case .success: break
            }
            span?.end()
        }
    }

    /// `workers` without one reserved slot of the holder of each of `tasks`.
    private static func removing(holdersOf tasks: [ClaimedTask], from workers: [RegisteredWorker]) -> [RegisteredWorker] {
        var remaining = workers
        for task in tasks {
            if let index = remaining.firstIndex(where: { $0.id == task.workerID }) { remaining.remove(at: index) }
        }
        return remaining
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
    /// every task a worker refused back in the queue.
    private func deliver(_ round: Round) async {
        guard !round.assignments.isEmpty else { return }
        let batches = Dictionary(grouping: round.assignments, by: { $0.worker.id }).values.map { pairs in
            (worker: pairs[0].worker, tasks: pairs.map(\.task))
        }
        let results = await batches.concurrentMap { await self.handOff($0.tasks, to: $0.worker, in: round) }
        TaskMetrics.dispatched(count: results.reduce(0) { $0 + $1.accepted })
        let requeued = results.flatMap(\.requeue)
        guard !requeued.isEmpty else { return }
        do {
            try await store.returnToQueue(requeued)
        } catch {
            logger.error("returning tasks to the queue failed", metadata: [LogKey.error: "\(error)"])
        }
        logger.info("tasks returned to the queue", metadata: [LogKey.count: "\(requeued.count)"])
    }

    /// Sends `tasks` to one worker before the round's deadline; returns how many it took and the tasks
    /// to put back in the queue at once. The slot of every task it did not take is given back,
    /// and the worker gets no more tasks until its next heartbeat.
    private func handOff(
        _ tasks: [ClaimedTask], to worker: RegisteredWorker, in round: Round
    ) async -> (accepted: Int, requeue: [ClaimedTask]) {
        let coordinatorID = store.coordinatorID?.text ?? ""
        let handOffSpans = spans.startHandOffs(tasks)
        let results = await sender.send(
            zip(tasks, handOffSpans).map { task, span in
                task.taskRequest(acceptBefore: round.acceptBefore, coordinatorID: coordinatorID, handOff: span)
            }, to: worker.address, before: round.acceptBefore)
        defer { Self.end(handOffSpans, with: results) }
        var accepted = 0
        // Tasks the worker surely did not take: it said no, or the call never reached it.
        var notTaken: [ClaimedTask] = []
        var unanswered: [ClaimedTask] = []
        var unreachable = false
        var problems: [(task: ClaimedTask, reason: String)] = []
        for (task, outcome) in zip(tasks, results) {
            switch outcome {
            case .success(let response) where response.success:
                logger.debug(
                    "task dispatched",
                    metadata: [
                        LogKey.taskID: "\(task.id.text)", LogKey.workerID: "\(worker.id)",
                        LogKey.attempt: "\(task.attempt)",
                    ])
                accepted += 1
                continue
            case .success(let response):
                notTaken.append(task)
                problems.append((task, "refused: \(response.message)"))
            case .failure(let status as GRPCStatus) where !status.requestWasSent:
                notTaken.append(task)
                problems.append((task, "not sent: \(status)"))
                unreachable = true
            case .failure(let error):
                unanswered.append(task)
                problems.append((task, "failed: \(error)"))
                unreachable = unreachable || (error as? GRPCStatus)?.code == .unavailable
            }
            registry.releaseSlot(of: worker.id)
        }
        guard let first = problems.first else { return (accepted, []) }
        registry.holdUntilHeartbeat(worker.id)
        let requeueNow = notTaken + registry.handOffsUnanswered(unanswered, by: worker.id, deadline: round.deadline)
        if handOffWarnings.allows("\(worker.id)") {
            logger.warning(
                "hand-off \(first.reason)",
                metadata: [
                    LogKey.taskID: "\(first.task.id.text)", LogKey.workerID: "\(worker.id)",
                    LogKey.count: "\(problems.count)",
                ])
        }
        if unreachable {
            // The next call opens a new connection; the worker may have come back as another build.
            sender.forget(address: worker.address)
            await clients.discard(address: worker.address)
        }
        return (accepted, requeueNow)
    }
}
