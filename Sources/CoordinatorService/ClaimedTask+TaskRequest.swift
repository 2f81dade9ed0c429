package import Core
package import RPC
package import SpanExport
package import TaskStorage

extension ClaimedTask {
    /// The message that hands this task to a worker, to be accepted before `acceptBefore`, from
    /// the coordinator `coordinatorID`, in the attempt's own span of the task's trace: the hand-off
    /// span `handOff` when there is one, else a new child of the task's context (a span id of the
    /// attempt's own, which nothing exports).
    package func taskRequest(acceptBefore: Timestamp, coordinatorID: String, handOff: TaskSpan? = nil) -> TaskRequest {
        let trace = handOff?.traceContext ?? traceContext?.child()
        return TaskRequest(
            taskID: id.text, data: command, attempt: UInt32(clamping: attempt),
            timeoutSeconds: UInt32(clamping: timeoutSeconds ?? 0), handoff: handoff.text,
            acceptBeforeMicros: acceptBefore.microsecondsSinceEpoch, coordinatorID: coordinatorID, queue: queue,
            traceParent: trace?.traceParent ?? "", traceState: trace?.traceState ?? "")
    }
}
