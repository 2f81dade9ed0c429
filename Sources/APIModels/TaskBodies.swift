/// The body of a successful `POST /schedule`, and each task of `POST /schedule/batch`.
package struct ScheduleResponse: Codable, Sendable {
    package var taskID: String
    package var command: String
    package var scheduledAt: String
    package var status: String
    package var maxAttempts: Int
    package var queue: String
    package var priority: Int
    package var concurrencyKey: String?
    /// The trace the task belongs to, from the request's `traceparent` header.
    package var traceID: String?

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id"
        case command
        case scheduledAt = "scheduled_at"
        case status
        case maxAttempts = "max_attempts"
        case queue, priority
        case concurrencyKey = "concurrency_key"
        case traceID = "trace_id"
    }

    package init(
        taskID: String, command: String, scheduledAt: String, status: String, maxAttempts: Int, queue: String,
        priority: Int, concurrencyKey: String?, traceID: String? = nil
    ) {
        self.taskID = taskID
        self.command = command
        self.scheduledAt = scheduledAt
        self.status = status
        self.maxAttempts = maxAttempts
        self.queue = queue
        self.priority = priority
        self.concurrencyKey = concurrencyKey
        self.traceID = traceID
    }
}

/// The body of a successful `POST /schedule/batch`: the tasks in request order.
package struct BatchScheduleResponse: Codable, Sendable {
    package var tasks: [ScheduleResponse]

    package init(tasks: [ScheduleResponse]) {
        self.tasks = tasks
    }
}

/// The body of `GET /status` and `GET /tasks/{id}`. Fields that are not set are left out, never
/// `null`: clients test for the presence of `picked_at`, `started_at` and `completed_at`.
package struct TaskStatusResponse: Codable, Sendable {
    package var taskID: String
    package var command: String
    package var scheduledAt: String
    package var pickedAt: String?
    package var startedAt: String?
    package var completedAt: String?
    package var failedAt: String?
    package var cancelledAt: String?
    /// While a retry waits: when its attempt may start.
    package var nextAttemptAt: String?
    package var status: String
    package var attempts: Int
    package var maxAttempts: Int
    package var timeoutSeconds: Int?
    package var workerID: UInt32?
    package var exitCode: Int32?
    /// What the task printed, within the worker's output limit (head and tail when larger).
    package var output: String?
    /// How many bytes the task printed in all, and whether `output` leaves part of them out.
    package var outputBytes: Int64?
    package var outputTruncated: Bool?
    package var error: String?
    /// For a task a schedule made: the schedule and the fire time (before jitter).
    package var scheduleID: String?
    package var nominalTime: String?
    package var queue: String
    package var priority: Int
    package var concurrencyKey: String?
    /// The name of the API token that created the task.
    package var createdBy: String?
    /// The trace the task belongs to, from the `traceparent` header of the request that made it
    /// (or its schedule).
    package var traceID: String?

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id"
        case command
        case scheduledAt = "scheduled_at"
        case pickedAt = "picked_at"
        case startedAt = "started_at"
        case completedAt = "completed_at"
        case failedAt = "failed_at"
        case cancelledAt = "cancelled_at"
        case nextAttemptAt = "next_attempt_at"
        case status
        case attempts
        case maxAttempts = "max_attempts"
        case timeoutSeconds = "timeout_seconds"
        case workerID = "worker_id"
        case exitCode = "exit_code"
        case output
        case outputBytes = "output_bytes"
        case outputTruncated = "output_truncated"
        case error
        case scheduleID = "schedule_id"
        case nominalTime = "nominal_time"
        case queue, priority
        case concurrencyKey = "concurrency_key"
        case createdBy = "created_by"
        case traceID = "trace_id"
    }

    package init(
        taskID: String, command: String, scheduledAt: String, pickedAt: String?, startedAt: String?,
        completedAt: String?, failedAt: String?, cancelledAt: String?, nextAttemptAt: String?, status: String,
        attempts: Int, maxAttempts: Int, timeoutSeconds: Int?, workerID: UInt32?, exitCode: Int32?, output: String?,
        error: String?, scheduleID: String?, nominalTime: String?, queue: String, priority: Int, concurrencyKey: String?,
        createdBy: String? = nil, outputBytes: Int64? = nil, outputTruncated: Bool? = nil, traceID: String? = nil
    ) {
        self.taskID = taskID
        self.command = command
        self.scheduledAt = scheduledAt
        self.pickedAt = pickedAt
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.failedAt = failedAt
        self.cancelledAt = cancelledAt
        self.nextAttemptAt = nextAttemptAt
        self.status = status
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.timeoutSeconds = timeoutSeconds
        self.workerID = workerID
        self.exitCode = exitCode
        self.output = output
        self.outputBytes = outputBytes
        self.outputTruncated = outputTruncated
        self.error = error
        self.scheduleID = scheduleID
        self.nominalTime = nominalTime
        self.queue = queue
        self.priority = priority
        self.concurrencyKey = concurrencyKey
        self.createdBy = createdBy
        self.traceID = traceID
    }

    /// The status as a `TaskState`; nil for a status this build does not know.
    package var state: TaskState? { TaskState(rawValue: status) }
}

/// The body of `GET /tasks`: one page, and the cursor of the next one when there may be more.
package struct TaskListResponse: Codable, Sendable {
    package var tasks: [TaskStatusResponse]
    package var next: String?

    package init(tasks: [TaskStatusResponse], next: String?) {
        self.tasks = tasks
        self.next = next
    }
}
