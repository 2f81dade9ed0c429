/// Whether a worker took a task.
public enum TaskAdmission: Sendable, Hashable {
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
}

/// The tasks a worker holds: queued in arrival order, or running on one of `capacity` slots.
/// Every accepted task leaves exactly once: started and later finished, or ended unrun.
struct TaskRunnerState {
    struct Queued {
        let serial: UInt64
        let request: TaskRequest
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
    let queueLimit: Int
    private(set) var isAccepting = true
    private(set) var queue: [Queued] = []
    private(set) var running: [UInt64: Running] = [:]
    private var endedUnrun: [(request: TaskRequest, reason: TaskStopReason)] = []
    private var nextSerial: UInt64 = 0

    init(capacity: Int, queueLimit: Int) {
        self.capacity = capacity
        self.queueLimit = queueLimit
    }

    /// Tasks queued or running.
    var heldCount: Int { queue.count + running.count }

    /// Ids of the tasks queued or running.
    var heldTaskIDs: [String] { queue.map(\.request.taskID) + running.values.map(\.request.taskID) }

    /// Slots neither running nor promised to a queued task; none while draining.
    var freeSlots: Int { isAccepting ? max(0, capacity - heldCount) : 0 }

    mutating func admit(_ request: TaskRequest) -> TaskAdmission {
        guard isAccepting else { return .shuttingDown }
        guard heldCount < capacity + queueLimit else { return .full }
        queue.append(Queued(serial: nextSerial, request: request))
        nextSerial += 1
        return .accepted
    }

    /// Moves queued tasks onto free slots and hands out what ended unrun.
    mutating func nextStep() -> Step {
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
    mutating func finish(_ serial: UInt64) -> TaskStopReason? {
        running.removeValue(forKey: serial)?.stopReason
    }
}
