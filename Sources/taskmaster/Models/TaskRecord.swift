/// A task as the API describes it (GET /tasks/{id}); fields not set are nil.
struct TaskRecord: Decodable {
    var taskID: String
    var command: String
    var scheduledAt: String
    var status: String
    var attempts: Int
    var maxAttempts: Int
    var pickedAt: String?
    var startedAt: String?
    var completedAt: String?
    var failedAt: String?
    var cancelledAt: String?
    var nextAttemptAt: String?
    var timeoutSeconds: Int?
    var workerID: Int?
    var exitCode: Int?
    var output: String?
    var error: String?
    var scheduleID: String?
    var nominalTime: String?

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id", command, scheduledAt = "scheduled_at", status, attempts
        case maxAttempts = "max_attempts", pickedAt = "picked_at", startedAt = "started_at"
        case completedAt = "completed_at", failedAt = "failed_at", cancelledAt = "cancelled_at"
        case nextAttemptAt = "next_attempt_at", timeoutSeconds = "timeout_seconds", workerID = "worker_id"
        case exitCode = "exit_code", output, error, scheduleID = "schedule_id", nominalTime = "nominal_time"
    }

    var hasEnded: Bool { ["completed", "failed", "cancelled"].contains(status) }

    /// What the CLI exits with once the task ended: a completed task's exit code (0 normally), a
    /// failed one's when it is not 0 else 1, 1 for a cancelled task. Codes outside 1–255 become 1,
    /// so that no failure reads as success.
    var processExitCode: Int32 {
        let code = exitCode ?? 0
        switch status {
        case "completed" where code == 0: return 0
        case "completed", "failed": return (1...255).contains(code) ? Int32(code) : 1
        default: return 1
        }
    }

    /// "attempt n/m".
    var attemptText: String { "\(attempts)/\(maxAttempts)" }

    /// The labelled fields `status` and `schedule`-made tasks print.
    var fields: [(String, String?)] {
        [
            ("id", taskID), ("command", command), ("status", status), ("attempts", attemptText),
            ("scheduled at", scheduledAt), ("next attempt at", nextAttemptAt), ("picked at", pickedAt),
            ("started at", startedAt), ("completed at", completedAt), ("failed at", failedAt),
            ("cancelled at", cancelledAt), ("timeout", timeoutSeconds.map { "\($0)s" }),
            ("worker", workerID.map(String.init)), ("exit code", exitCode.map(String.init)), ("error", error),
            ("schedule", scheduleID), ("nominal time", nominalTime),
        ]
    }
}

/// One page of GET /tasks.
struct TaskPage: Decodable {
    var tasks: [TaskRecord]
    var next: String?
}
