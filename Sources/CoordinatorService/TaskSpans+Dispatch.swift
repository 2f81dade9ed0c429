import Core
import SpanExport
import TaskStorage
import TracePropagation

/// The spans of a task's attempt, all made by the coordinator: the claim; the hand-off to a
/// worker, which is the attempt's own span (the command runs in it); the run, as the worker's
/// report tells it; and the recording of that report. The claim and the hand-off are children of
/// the task's trace context and link to the attempt before, when its worker reported it.
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
    /// others.
    func startHandOffs(_ tasks: [ClaimedTask]) -> [TaskSpan?] {
        guard isEnabled else { return Array(repeating: nil, count: tasks.count) }
        return tasks.map { task in
            let span = start("hand-off", kind: .client, parent: task.traceContext, links: task.previousAttempts)
            span?.describe(task)
            return span
        }
    }

    /// For each final report that names its attempt's span: records the attempt's run as the
    /// worker measured it (from its command's start to its end, a child of the attempt's span)
    /// and starts the span of recording the report (a child of the run). In the reports' order;
    /// nil for the others.
    func startRecording(_ reports: [TaskStatusReport]) -> [TaskSpan?] {
        guard isEnabled else { return Array(repeating: nil, count: reports.count) }
        return reports.map { report in
            guard report.outcome != .started, let attempt = report.attemptTraceParent else { return nil }
            var parent = TaskTraceContext(stored: attempt, state: nil)
            if let started = report.attemptStart, let run = start("run", kind: .consumer, parent: parent, at: started) {
                run.describe(report)
                report.exitCode.map { run.set(SpanAttribute.exitCode, Int($0)) }
                if report.outcome == .failed { run.fail(report.error ?? "failed") }
                run.end(at: report.time)
                parent = run.traceContext ?? parent
            }
            let span = start("report", kind: .server, parent: parent)
            span?.describe(report)
            span?.set(SpanAttribute.outcome, "\(report.outcome)")
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

    fileprivate func describe(_ report: TaskStatusReport) {
        set(SpanAttribute.taskID, report.taskID.text)
        report.attempt.map { set(SpanAttribute.attempt, $0) }
        report.workerID.map { set(SpanAttribute.workerID, Int($0)) }
    }
}
