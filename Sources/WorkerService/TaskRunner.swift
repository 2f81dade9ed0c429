package import Logging
import ServiceLifecycle
import Synchronization
import Core
package import RPC

/// Runs accepted tasks on a fixed number of slots, from a bounded queue, and reports each
/// attempt to the coordinator.
///
/// `submit` admits a task only while the worker holds fewer than `capacity + prefetch` tasks,
/// so a worker never runs more than `capacity` at once and never buffers without bound.
/// Every accepted task ends with exactly one final report: COMPLETE, FAILED, or QUEUED when it
/// is handed back. On graceful shutdown the runner drains: it stops taking tasks, hands back
/// the queued ones at once, lets the running ones finish for up to `drainTimeout`, then
/// cancels and hands back the rest.
package final class TaskRunner: Service, Sendable {
    private let executor: any TaskExecutor
    private let reporter: StatusReporter
    /// The worker's standing with its coordinator, which decides whether a queued task may start.
    package let standing: CoordinatorStanding
    private let workerID: UInt32
    private let drainTimeout: Duration
    private let logger: Logger
    private let state: Mutex<TaskRunnerState>
    private let wake = WakeSignal()
    private let intakeChanged = WakeSignal()

    package init(
        capacity: Int, prefetch: Int, drainTimeout: Duration = .seconds(30), executor: any TaskExecutor,
        reporter: StatusReporter, workerID: UInt32, standing: CoordinatorStanding = CoordinatorStanding(), logger: Logger
    ) {
        self.executor = executor
        self.reporter = reporter
        self.standing = standing
        self.workerID = workerID
        self.drainTimeout = drainTimeout
        self.logger = logger
        state = Mutex(TaskRunnerState(capacity: capacity, prefetch: prefetch))
    }

    /// Tasks the worker takes now (free slots and offered prefetch places); 0 while draining or
    /// while its reports pile up undelivered.
    package var freeSlots: Int {
        heartbeatState.freeSlots
    }

    /// What a heartbeat tells the coordinator, read at one instant. The tasks it holds include
    /// those that ended but whose final report the coordinator has not taken yet, so that their
    /// leases last until it has; and the free slots leave those out too, since the coordinator
    /// frees a task's slot when it takes that report: counted free now, it would be freed twice.
    package var heartbeatState: (freeSlots: Int, prefetch: Int, draining: Bool, heldTaskIDs: [String]) {
        let backlogged = reporter.isBacklogged
        let unreported = reporter.undeliveredTaskIDs
        return state.withLock { state in
            (
                backlogged ? 0 : max(0, state.freeSlots - unreported.count), backlogged ? 0 : state.offeredPrefetch,
                !state.isAccepting, Array(Set(state.heldTaskIDs + unreported))
            )
        }
    }

    /// Returns after `timeout`, or sooner once the worker starts or stops offering prefetch
    /// places, which the coordinator should learn without waiting for the next heartbeat.
    package func waitForIntakeChange(timeout: Duration) async {
        await intakeChanged.wait(timeout: timeout)
    }

    /// Looks at the queue again now: the worker's standing with its coordinator may have changed
    /// (a queued task whose registration lapsed is handed back at once, not when a slot frees).
    package func standingChanged() {
        wake.signal()
    }

    /// Whether the runner stopped taking tasks.
    package var isDraining: Bool {
        state.withLock { !$0.isAccepting }
    }

    /// Queues `task` unless the worker is full or draining. While the coordinator does not take
    /// the worker's reports and they pile up past the reporter's bound, the worker is full.
    package func submit(_ task: TaskRequest) -> TaskAdmission {
        guard !reporter.isBacklogged else { return .full }
        let admission = state.withLock { $0.admit(task) }
        if admission == .accepted {
            AttemptLog(logger, task).debug("task accepted")
            wake.signal()
        }
        return admission
    }

    /// Cancels every attempt of `taskID` the worker holds: a running one is stopped (a shell
    /// task's process group is killed), a queued one dropped; each is reported FAILED
    /// "cancelled". Returns false when the worker holds no attempt of it.
    package func cancel(taskID: String) -> Bool {
        let (found, executions) = state.withLock { $0.cancel(taskID: taskID) }
        for execution in executions { execution.cancel() }
        if found {
            logger.info("task cancellation requested", metadata: [LogKey.taskID: "\(taskID)"])
            wake.signal()
        }
        return found
    }

    /// Stops taking tasks and hands back the queued ones; running ones finish within the drain
    /// timeout. Called on graceful shutdown.
    package func drain() {
        let started = state.withLock { state -> Bool in
            guard state.isAccepting else { return false }
            state.stopIntake()
            return true
        }
        if started {
            logger.info("draining: no new tasks, running ones may take \(drainTimeout.flagText)")
            wake.signal()
        }
    }

    package func run() async throws {
        async let reporting: Void = reporter.run()
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                await self.dispatch(into: &group)
            }
        } onGracefulShutdown: {
            self.drain()
        }
        reporter.finish()
        await reporting
        logger.info("task runner drained")
    }

    /// Starts queued tasks as slots free up and sends the reports of tasks that end unrun,
    /// until intake is stopped and nothing is held.
    private func dispatch(into group: inout DiscardingTaskGroup) async {
        var drainDeadline: ContinuousClock.Instant?
        var handedBackRunning = false
        while true {
            if Task.isCancelled { handBackEverything() }
            if state.withLock({ $0.handBackStaleQueue() }) {
                logger.warning("every slot stayed busy: handing back the queued tasks to run elsewhere")
                intakeChanged.signal()
            }
            let step = state.withLock { $0.nextStep(handBackReason: standing.handBackReason) }
            for (request, reason) in step.endedUnrun {
                reportUnrun(request, reason: reason)
            }
            for task in step.starts {
                group.addTask { await self.runTask(task.serial, task.request) }
            }
            if step.isFinished || Task.isCancelled { return }
            if isDraining, !handedBackRunning {
                let deadline = drainDeadline ?? .now + drainTimeout
                drainDeadline = deadline
                if ContinuousClock.now >= deadline {
                    handBackRunning()
                    handedBackRunning = true
                } else {
                    await wake.wait(timeout: deadline - .now)
                    continue
                }
            }
            let queueWaitDeadline = state.withLock { $0.queueWaitDeadline }
            await wake.wait(timeout: queueWaitDeadline.map { min(.seconds(60), $0 - .now) } ?? .seconds(60))
        }
    }

    private func handBackRunning() {
        let executions = state.withLock { $0.stopAllRunning(reason: .handedBack) }
        if !executions.isEmpty {
            logger.warning("drain timeout: handing back running tasks", metadata: [LogKey.count: "\(executions.count)"])
        }
        for execution in executions { execution.cancel() }
    }

    /// The runner itself was cancelled: nothing may run on.
    private func handBackEverything() {
        drain()
        handBackRunning()
    }

    private func runTask(_ serial: UInt64, _ request: TaskRequest) async {
        let log = AttemptLog(logger, request)
        let startedAt = Timestamp.now().microsecondsSinceEpoch
        reporter.report(.started(request, workerID: workerID, atMicroseconds: startedAt))
        let executor = executor
        let execution = state.withLock { state in
            state.attachExecution(serial) { Task { await executor.execute(request) } }
        }
        if execution == nil {
            log.info("task stopped before it started")
        } else {
            log.debug("task started")
        }
        let outcome: ExecutionOutcome
        if let execution {
            outcome = await withTaskCancellationHandler {
                await execution.value
            } onCancel: {
                self.state.withLock { $0.stop(serial, reason: .handedBack) }?.cancel()
            }
        } else {
            outcome = .cancelled
        }
        let finishedAt = Timestamp.now().microsecondsSinceEpoch
        let runTime = execution.map { _ in Duration.microseconds(finishedAt - startedAt) }
        let (stopReason, prefetchToggled) = state.withLock { state in
            let offered = state.offeredPrefetch > 0
            let reason = state.finish(serial, runTime: runTime)
            return (reason, offered != (state.offeredPrefetch > 0))
        }
        wake.signal()
        if prefetchToggled { intakeChanged.signal() }
        var report = finalReport(request, outcome: outcome, stopReason: stopReason, at: finishedAt, log: log)
        report.attemptStartedAtMicros = startedAt
        reporter.report(report)
    }

    /// The report that ends an attempt that ran, logged.
    private func finalReport(
        _ request: TaskRequest, outcome: ExecutionOutcome, stopReason: TaskStopReason?, at micros: Int64, log: AttemptLog
    ) -> UpdateTaskStatusRequest {
        var outcome = outcome
        switch (stopReason, outcome.succeeded) {
        case (_, true):
            log.debug("task completed", exitMetadata(outcome))
        case (.cancelled?, false):
            outcome.error = ExecutionOutcome.cancelled.error
            log.info("task cancelled")
        case (nil, false):
            log.warning("task failed", exitMetadata(outcome).merging([LogKey.error: "\(outcome.error)"]) { $1 })
        case (_?, false):
            log.info("task handed back: worker is shutting down")
            return .handedBack(request, workerID: workerID)
        }
        return .finished(request, workerID: workerID, outcome: outcome, atMicroseconds: micros)
    }

    private func reportUnrun(_ request: TaskRequest, reason: TaskStopReason) {
        let log = AttemptLog(logger, request)
        switch reason {
        case .cancelled:
            log.info("task cancelled while queued")
            let failed = Timestamp.now().microsecondsSinceEpoch
            reporter.report(.finished(request, workerID: workerID, outcome: .cancelled, atMicroseconds: failed))
        case .handedBack:
            log.info("task handed back unstarted: worker is shutting down")
            reporter.report(.handedBack(request, workerID: workerID))
        case .waitedTooLong:
            log.info("task handed back unstarted: every slot stayed busy")
            reporter.report(.handedBack(request, workerID: workerID))
        case .registrationLapsed:
            log.warning("task handed back unstarted: no heartbeat was acknowledged within the coordinator's heartbeat timeout")
            reporter.report(.handedBack(request, workerID: workerID))
        case .queuePaused:
            log.info("task handed back unstarted: its queue is paused")
            reporter.report(.handedBack(request, workerID: workerID))
        }
    }

    private func exitMetadata(_ outcome: ExecutionOutcome) -> Logger.Metadata {
        outcome.exitCode.map { [LogKey.exitCode: "\($0)"] } ?? [:]
    }
}

/// Lines about one attempt, with its task id and attempt number: the metadata is built only for
/// the lines the log level lets through, not for every task.
private struct AttemptLog {
    let logger: Logger
    let request: TaskRequest

    init(_ logger: Logger, _ request: TaskRequest) {
        self.logger = logger
        self.request = request
    }

    func debug(_ message: @autoclosure () -> Logger.Message, _ metadata: @autoclosure () -> Logger.Metadata = [:]) {
        write(.debug, message(), metadata())
    }

    func info(_ message: @autoclosure () -> Logger.Message) {
        write(.info, message(), [:])
    }

    func warning(_ message: @autoclosure () -> Logger.Message, _ metadata: @autoclosure () -> Logger.Metadata = [:]) {
        write(.warning, message(), metadata())
    }

    private func write(_ level: Logger.Level, _ message: @autoclosure () -> Logger.Message, _ metadata: @autoclosure () -> Logger.Metadata) {
        logger.log(
            level: level, message(),
            metadata: [LogKey.taskID: "\(request.taskID)", LogKey.attempt: "\(request.attempt)"].merging(metadata()) { $1 })
    }
}
