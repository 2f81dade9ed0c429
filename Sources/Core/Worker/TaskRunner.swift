public import Logging
public import ServiceLifecycle
import Synchronization

/// Runs accepted tasks on a fixed number of slots, from a bounded queue.
///
/// `submit` admits a task only while the worker holds fewer than `capacity + queueLimit` tasks,
/// so a worker never runs more than `capacity` at once and never buffers without bound. On
/// graceful shutdown it stops taking tasks and finishes the ones it holds.
public final class TaskRunner: Service, Sendable {
    private struct Admission {
        var held = 0
        var accepting = true
    }

    private let capacity: Int
    private let queueLimit: Int
    private let executor: any TaskExecutor
    private let reporter: StatusReporter
    private let workerID: UInt32
    private let logger: Logger
    private let admission = Mutex(Admission())
    private let queue: AsyncStream<TaskRequest>
    private let queueInput: AsyncStream<TaskRequest>.Continuation

    public init(
        capacity: Int, queueLimit: Int, executor: any TaskExecutor, reporter: StatusReporter, workerID: UInt32,
        logger: Logger
    ) {
        self.capacity = capacity
        self.queueLimit = queueLimit
        self.executor = executor
        self.reporter = reporter
        self.workerID = workerID
        self.logger = logger
        (queue, queueInput) = AsyncStream.makeStream(of: TaskRequest.self)
    }

    /// Slots neither running nor promised to a queued task.
    public var freeSlots: Int {
        admission.withLock { max(0, capacity - $0.held) }
    }

    /// Queues `task`; false when the worker is full or shutting down.
    public func submit(_ task: TaskRequest) -> Bool {
        let admitted = admission.withLock { admission -> Bool in
            guard admission.accepting, admission.held < capacity + queueLimit else { return false }
            admission.held += 1
            return true
        }
        if admitted { queueInput.yield(task) }
        return admitted
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                var running = 0
                for await task in queue {
                    if running == capacity {
                        await group.next()
                        running -= 1
                    }
                    group.addTask { await self.process(task) }
                    running += 1
                }
            }
        } onGracefulShutdown: {
            self.stopIntake()
        }
        logger.info("task runner drained")
    }

    /// Refuses new tasks; the queue finishes with what it holds.
    public func stopIntake() {
        admission.withLock { $0.accepting = false }
        queueInput.finish()
    }

    private func process(_ task: TaskRequest) async {
        var logger = logger
        logger[metadataKey: LogKey.taskID] = "\(task.taskID)"
        logger[metadataKey: LogKey.attempt] = "\(task.attempt)"
        let started = Timestamp.now().microsecondsSinceEpoch
        await reporter.report(
            UpdateTaskStatusRequest(
                taskID: task.taskID, status: .started, startedAt: started / 1_000_000, workerID: workerID,
                attempt: task.attempt, startedAtMicros: started))
        logger.info("task started")
        let outcome = await executor.execute(task)
        let finished = Timestamp.now().microsecondsSinceEpoch
        var report = UpdateTaskStatusRequest(
            taskID: task.taskID, status: outcome.succeeded ? .complete : .failed, workerID: workerID,
            attempt: task.attempt, exitCode: outcome.exitCode, output: outcome.output, error: outcome.error)
        if outcome.succeeded {
            report.completedAt = finished / 1_000_000
            report.completedAtMicros = finished
            logger.info("task completed")
        } else {
            report.failedAt = finished / 1_000_000
            report.failedAtMicros = finished
            logger.warning("task failed", metadata: [LogKey.error: "\(outcome.error)"])
        }
        admission.withLock { $0.held -= 1 }
        await reporter.report(report)
    }
}
