import RPC

/// Whether a worker took a task.
package enum TaskAdmission: Sendable, Hashable {
    case accepted
    /// Every slot and queue place is taken.
    case full
    /// The worker is draining and takes no new task.
    case shuttingDown
}

/// Why a running or queued task was stopped before it finished.
enum TaskStopReason: Sendable, Hashable {
    /// The coordinator cancelled it: the attempt fails with "cancelled".
    case cancelled
    /// The worker is shutting down: the task goes back to the coordinator's queue.
    case handedBack
    /// It waited too long in the queue while every slot was busy: back to the coordinator's
    /// queue, to start on another worker.
    case waitedTooLong
    /// The worker's registration with the coordinator lapsed or broke after it took the task
    /// (see `CoordinatorStanding`): the coordinator may have given it to another worker.
    case registrationLapsed
    /// Its queue was paused before it started: back to the coordinator's queue, to wait there.
    case queuePaused
}

/// The tasks a worker holds: queued in arrival order, or running on one of `capacity` slots.
/// Every accepted task leaves exactly once: started and later finished, or ended unrun.
///
/// Beyond its slots a worker takes up to `prefetch` more tasks, so that a slot that frees starts
/// the next task at once instead of waiting for the coordinator's round trip. It offers only as
/// many places as hold about `prefetchBudget` of work per slot, by the typical run time of its
/// tasks: enough to cover a round trip when tasks are short, none for tasks that run longer than
/// the budget, which gain nothing from a buffer and could start elsewhere instead of waiting.
/// Should no slot free for ten typical run times (at least `queueWaitLimit`) while tasks wait in
/// the queue (tasks that ran short so far now run long), the queue is handed back and no place is
/// offered until a slot frees.
struct TaskRunnerState {
    struct Queued {
        let serial: UInt64
        let request: TaskRequest
        let admitted: ContinuousClock.Instant
    }

    struct Running {
        let request: TaskRequest
        var execution: Task<ExecutionOutcome, Never>?
        var stopReason: TaskStopReason?
    }

    /// Tasks to start and tasks that ended without running, taken in one step.
    struct Step {
        var starts: [Queued] = []
        var endedUnrun: [(request: TaskRequest, reason: TaskStopReason)] = []
        /// Intake is stopped and nothing is held any more.
        var isFinished = false
    }

    let capacity: Int
    let prefetch: Int
    let prefetchBudget: Duration
    let queueWaitLimit: Duration
    private(set) var isAccepting = true
    /// The queue was handed back because no slot freed; cleared when one does.
    private(set) var isStalled = false
    private(set) var queue: [Queued] = []
    private(set) var running: [UInt64: Running] = [:]
    private var endedUnrun: [(request: TaskRequest, reason: TaskStopReason)] = []
    private var nextSerial: UInt64 = 0
    /// Moving average of how long the tasks that ran took; nil until one ran.
    private(set) var typicalRunTime: Duration?
    /// When a slot last freed.
    private var lastSlotFreed: ContinuousClock.Instant?

    init(
        capacity: Int, prefetch: Int, prefetchBudget: Duration = .milliseconds(50), queueWaitLimit: Duration = .seconds(1)
    ) {
        self.capacity = capacity
        self.prefetch = prefetch
        self.prefetchBudget = prefetchBudget
        self.queueWaitLimit = queueWaitLimit
    }

    /// Tasks queued or running.
    var heldCount: Int { queue.count + running.count }

    /// Ids of the tasks queued or running.
    var heldTaskIDs: [String] { queue.map(\.request.taskID) + running.values.map(\.request.taskID) }

    /// The places beyond the slots offered now: `prefetchBudget` of work per slot, at most
    /// `prefetch`; none before a task ran.
    var offeredPrefetch: Int {
        guard let typicalRunTime, !isStalled else { return 0 }
        guard typicalRunTime > .zero else { return prefetch }
        return Int(min(Double(prefetch), (prefetchBudget / typicalRunTime).rounded(.down) * Double(capacity)))
    }

    /// Tasks the worker takes now: slots and offered places not held yet; none while draining.
    var freeSlots: Int { isAccepting ? max(0, capacity + offeredPrefetch - heldCount) : 0 }

    /// Admits up to every slot and place, offered or not (the coordinator may have sent a task
    /// before it learnt that fewer places were offered), but only slots while stalled.
    mutating func admit(_ request: TaskRequest, at now: ContinuousClock.Instant = .now) -> TaskAdmission {
        guard isAccepting else { return .shuttingDown }
        guard heldCount < capacity + (isStalled ? 0 : prefetch) else { return .full }
        queue.append(Queued(serial: nextSerial, request: request, admitted: now))
        nextSerial += 1
        return .accepted
    }

    /// Moves queued tasks onto free slots and hands out what ended unrun. A queued task for which
    /// `handBackReason` gives a reason is handed back instead.
    mutating func nextStep(handBackReason: (Queued) -> TaskStopReason? = { _ in nil }) -> Step {
        queue.removeAll { queued in
            guard let reason = handBackReason(queued) else { return false }
            endedUnrun.append((request: queued.request, reason: reason))
            return true
        }
        var step = Step()
        let startable = min(queue.count, max(0, capacity - running.count))
        step.starts = Array(queue.prefix(startable))
        queue.removeFirst(startable)
        for task in step.starts {
            running[task.serial] = Running(request: task.request)
        }
        step.endedUnrun = endedUnrun
        endedUnrun = []
        step.isFinished = !isAccepting && queue.isEmpty && running.isEmpty
        return step
    }

    /// When the queue must be handed back if no slot frees before: ten typical run times (at
    /// least `queueWaitLimit`) after the later of the oldest queued task's arrival and the last
    /// freed slot, while every slot is busy; nil otherwise, or before any task ran.
    var queueWaitDeadline: ContinuousClock.Instant? {
        guard running.count >= capacity, let oldest = queue.first, let typicalRunTime else { return nil }
        return max(oldest.admitted, lastSlotFreed ?? oldest.admitted) + max(queueWaitLimit, typicalRunTime * 10)
    }

    /// Hands back the queue once `queueWaitDeadline` passed, and offers no place until a slot
    /// frees. Returns whether it did.
    mutating func handBackStaleQueue(at now: ContinuousClock.Instant = .now) -> Bool {
        guard let deadline = queueWaitDeadline, now >= deadline else { return false }
        endedUnrun += queue.map { (request: $0.request, reason: TaskStopReason.waitedTooLong) }
        queue = []
        isStalled = true
        return true
    }

    /// Stops taking tasks and hands back every queued one.
    mutating func stopIntake() {
        isAccepting = false
        endedUnrun += queue.map { (request: $0.request, reason: TaskStopReason.handedBack) }
        queue = []
    }

    /// Drops the queued attempts of `taskID` and marks its running ones cancelled; returns
    /// whether any was held and the executions to cancel.
    mutating func cancel(taskID: String) -> (found: Bool, executions: [Task<ExecutionOutcome, Never>]) {
        let dropped = queue.filter { $0.request.taskID == taskID }
        queue.removeAll { $0.request.taskID == taskID }
        endedUnrun += dropped.map { (request: $0.request, reason: TaskStopReason.cancelled) }
        let serials = running.filter { $0.value.request.taskID == taskID }.keys
        let executions = serials.compactMap { stop($0, reason: .cancelled) }
        return (!dropped.isEmpty || !serials.isEmpty, executions)
    }

    /// Marks every running task stopped for `reason` (unless already stopped); returns the
    /// executions to cancel.
    mutating func stopAllRunning(reason: TaskStopReason) -> [Task<ExecutionOutcome, Never>] {
        Array(running.keys).compactMap { stop($0, reason: reason) }
    }

    /// Marks one running task stopped (the first reason wins); returns its execution to cancel.
    mutating func stop(_ serial: UInt64, reason: TaskStopReason) -> Task<ExecutionOutcome, Never>? {
        guard running[serial] != nil else { return nil }
        if running[serial]?.stopReason == nil { running[serial]?.stopReason = reason }
        return running[serial]?.execution
    }

    /// Records the execution of a started task; nil (and `make` not called) when the task was
    /// stopped before it could run.
    mutating func attachExecution(
        _ serial: UInt64, _ make: () -> Task<ExecutionOutcome, Never>
    ) -> Task<ExecutionOutcome, Never>? {
        guard let task = running[serial], task.stopReason == nil else { return nil }
        let execution = make()
        running[serial]?.execution = execution
        return execution
    }

    /// Frees the slot of a task whose execution ended; returns why it was stopped, if it was.
    /// `runTime`: how long it ran, nil when it was stopped before it could run.
    mutating func finish(_ serial: UInt64, runTime: Duration?, at now: ContinuousClock.Instant = .now) -> TaskStopReason? {
        if let runTime {
            typicalRunTime = typicalRunTime.map { $0 * 0.8 + runTime * 0.2 } ?? runTime
        }
        isStalled = false
        lastSlotFreed = now
        return running.removeValue(forKey: serial)?.stopReason
    }
}
