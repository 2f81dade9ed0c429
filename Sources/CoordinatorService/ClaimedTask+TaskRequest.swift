package import Core
package import RPC
package import SpanExport
package import TaskStorage

extension ClaimedTask {
    /// The message that hands this task to a worker, to be accepted before `acceptBefore`, from
    /// the coordinator `coordinatorID`, as part of the hand-off span `handOff` when there is one
    /// (else of the task's own trace context).
    package func taskRequest(acceptBefore: Timestamp, coordinatorID: String, handOff: TaskSpan? = nil) -> TaskRequest {
        let trace = handOff?.traceContext ?? traceContext
        return
        TaskRequest(
            taskID: id.text, data: command, attempt: UInt32(clamping: attempt),
            timeoutSeconds: UInt32(clamping: timeoutSeconds ?? 0), handoff: handoff.text,
            acceptBeforeMicros: acceptBefore.microsecondsSinceEpoch, coordinatorID: coordinatorID, queue: queue,
            traceParent: trace?.traceParent ?? "", traceState: trace?.traceState ?? "",
            previousAttemptTraceParent: previousAttempt?.traceParent ?? "")
    }
}
