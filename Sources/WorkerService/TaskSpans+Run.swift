import Core
import RPC
import SpanExport

/// The worker's span of an attempt: from the start of its command to its end. A child of the
/// coordinator's hand-off, linked to the attempt before; the command runs as its child.
extension TaskSpans {
    func startRun(_ request: TaskRequest, workerID: UInt32, at start: Timestamp) -> TaskSpan? {
        guard isEnabled,
            let span = self.start(
                "run", kind: .consumer, parent: request.traceContext, links: request.previousAttempt.map { [$0] } ?? [], at: start)
        else { return nil }
        span.set(SpanAttribute.taskID, request.taskID)
        span.set(SpanAttribute.attempt, Int(request.attempt))
        span.set(SpanAttribute.workerID, Int(workerID))
        if !request.queue.isEmpty { span.set(SpanAttribute.queue, request.queue) }
        return span
    }
}

extension TaskSpan {
    /// Ends the span of an attempt that ended with `outcome` at `end`.
    func end(_ outcome: ExecutionOutcome, at end: Timestamp) {
        outcome.exitCode.map { set(SpanAttribute.exitCode, Int($0)) }
        if !outcome.succeeded { fail(outcome.error) }
        self.end(at: end)
    }
}
