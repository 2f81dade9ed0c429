/// The names of the attributes a task's spans carry.
package enum SpanAttribute {
    package static let taskID = "taskmaster.task.id"
    package static let attempt = "taskmaster.task.attempt"
    package static let queue = "taskmaster.task.queue"
    package static let workerID = "taskmaster.worker.id"
    /// How the attempt ended, as the worker reported it: completed, failed, handedBack.
    package static let outcome = "taskmaster.task.outcome"
    /// What recording a report did: recorded, ignored (the sender no longer held the task) or notFound.
    package static let reportResult = "taskmaster.report.result"
    /// The exit code of the task's command.
    package static let exitCode = "process.exit.code"
}
