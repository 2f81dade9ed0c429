package import Core
package import RPC
package import TaskStorage

extension ClaimedTask {
    /// The message that hands this task to a worker, to be accepted before `acceptBefore`, from
    /// the coordinator `coordinatorID`.
    package func taskRequest(acceptBefore: Timestamp, coordinatorID: String) -> TaskRequest {
        TaskRequest(
            taskID: id.text, data: command, attempt: UInt32(clamping: attempt),
            timeoutSeconds: UInt32(clamping: timeoutSeconds ?? 0), handoff: handoff.text,
            acceptBeforeMicros: acceptBefore.microsecondsSinceEpoch, coordinatorID: coordinatorID, queue: queue,
            traceParent: traceContext?.traceParent ?? "", traceState: traceContext?.traceState ?? "")
    }
}
