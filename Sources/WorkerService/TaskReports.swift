import RPC

/// The reports a worker sends about one attempt of a task.
extension UpdateTaskStatusRequest {
    static func started(_ task: TaskRequest, workerID: UInt32, atMicroseconds micros: Int64) -> Self {
        UpdateTaskStatusRequest(
            taskID: task.taskID, status: .started, startedAt: micros / 1_000_000, workerID: workerID,
            attempt: task.attempt, startedAtMicros: micros, handoff: task.handoff)
    }

    /// COMPLETE or FAILED, with the exit code, output and error of `outcome`, naming the attempt's span.
    static func finished(
        _ task: TaskRequest, workerID: UInt32, outcome: ExecutionOutcome, atMicroseconds micros: Int64
    ) -> Self {
        var report = UpdateTaskStatusRequest(
            taskID: task.taskID, status: outcome.succeeded ? .complete : .failed, workerID: workerID,
            attempt: task.attempt, exitCode: outcome.exitCode, output: outcome.output, error: outcome.error,
            handoff: task.handoff, outputBytes: UInt64(outcome.outputByteCount), outputTruncated: outcome.outputTruncated,
            traceParent: task.traceParent)
        if outcome.succeeded {
            report.completedAt = micros / 1_000_000
            report.completedAtMicros = micros
        } else {
            report.failedAt = micros / 1_000_000
            report.failedAtMicros = micros
        }
        return report
    }

    /// QUEUED: the worker gives the attempt back unfinished; the coordinator queues the task again.
    static func handedBack(_ task: TaskRequest, workerID: UInt32) -> Self {
        UpdateTaskStatusRequest(
            taskID: task.taskID, status: .queued, workerID: workerID, attempt: task.attempt,
            error: "handed back: worker is shutting down", handoff: task.handoff)
    }
}
