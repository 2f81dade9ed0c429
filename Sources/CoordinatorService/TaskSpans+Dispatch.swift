import Core
import SpanExport
import TaskStorage
import TracePropagation

/// The coordinator's spans of a task's attempt: its claim, its hand-off to a worker, and the
/// recording of the worker's final report. Each is a child of the task's trace context (the
/// report: of the worker's span of the attempt), and links to the attempt before when there was one.
extension TaskSpans {
    /// Records how each traced task of a round was claimed: a span from `start`, when the round
    /// began to claim, to now.
    func recordClaims(_ tasks: [ClaimedTask], since start: Timestamp) {
        guard isEnabled else { return }
        for task in tasks {
            guard let span = self.start("claim", kind: .internal, parent: task.traceContext, links: task.previousAttempts, at: start)
            else { continue }
            span.describe(task)
            span.end()
        }
    }

    /// Starts the hand-off span of each of `tasks` that is traced, in their order; nil for the
    /// others. The hand-off carries the span's context to the worker, whose span of the attempt
    /// is its child.
    func startHandOffs(_ tasks: [ClaimedTask]) -> [TaskSpan?] {
        guard isEnabled else { return Array(repeating: nil, count: tasks.count) }
        return tasks.map { task in
            let span = start("hand-off", kind: .client, parent: task.traceContext, links: task.previousAttempts)
            span?.describe(task)
            return span
        }
    }

    /// Starts the span of recording each final report that names its attempt's span, in their
    /// order; nil for the others.
    func startRecording(_ reports: [TaskStatusReport]) -> [TaskSpan?] {
        guard isEnabled else { return Array(repeating: nil, count: reports.count) }
        return reports.map { report in
            guard report.outcome != .started, let attempt = report.attemptTraceParent else { return nil }
            let span = start("report", kind: .server, parent: TaskTraceContext(stored: attempt, state: nil))
            span?.set(SpanAttribute.taskID, report.taskID.text)
            span?.set(SpanAttribute.outcome, "\(report.outcome)")
            report.attempt.map { span?.set(SpanAttribute.attempt, $0) }
            return span
        }
    }
}

extension ClaimedTask {
    fileprivate var previousAttempts: [TaskTraceContext] {
        previousAttempt.map { [$0] } ?? []
    }
}

extension TaskSpan {
    fileprivate func describe(_ task: ClaimedTask) {
        set(SpanAttribute.taskID, task.id.text)
        set(SpanAttribute.attempt, task.attempt)
        set(SpanAttribute.queue, task.queue)
        task.workerID.map { set(SpanAttribute.workerID, Int($0)) }
    }
}
