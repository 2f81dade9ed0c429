import TaskStorage

/// The body of a successful `POST /schedule`.
struct ScheduleResponse: Encodable, Sendable {
    var taskID: String
    var command: String
    var scheduledAt: String
    var status: String
    var maxAttempts: Int

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id"
        case command
        case scheduledAt = "scheduled_at"
        case status
        case maxAttempts = "max_attempts"
    }

    init(_ task: TaskRecord) {
        taskID = task.id.uuidString.lowercased()
        command = task.command
        scheduledAt = task.scheduledAt.rfc3339
        status = task.status.rawValue
        maxAttempts = task.maxAttempts
    }
}

/// The body of `GET /status`. Fields that are not set are left out, never `null`: clients test
/// for the presence of `picked_at`, `started_at` and `completed_at`.
struct TaskStatusResponse: Encodable, Sendable {
    var taskID: String
    var command: String
    var scheduledAt: String
    var pickedAt: String?
    var startedAt: String?
    var completedAt: String?
    var failedAt: String?
    var cancelledAt: String?
    /// While a retry waits: when its attempt may start.
    var nextAttemptAt: String?
    var status: String
    var attempts: Int
    var maxAttempts: Int
    var timeoutSeconds: Int?
    var workerID: UInt32?
    var exitCode: Int32?
    var output: String?
    var error: String?
    /// For a task a schedule made: the schedule and the fire time (before jitter).
    var scheduleID: String?
    var nominalTime: String?

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
        case error
        case scheduleID = "schedule_id"
        case nominalTime = "nominal_time"
    }

    init(_ task: TaskRecord) {
        taskID = task.id.uuidString.lowercased()
        command = task.command
        scheduledAt = task.scheduledAt.rfc3339
        pickedAt = task.pickedAt?.rfc3339
        startedAt = task.startedAt?.rfc3339
        completedAt = task.completedAt?.rfc3339
        failedAt = task.failedAt?.rfc3339
        cancelledAt = task.cancelledAt?.rfc3339
        nextAttemptAt = task.status == .scheduled ? task.nextAttemptAt?.rfc3339 : nil
        status = task.status.rawValue
        attempts = task.attempts
        maxAttempts = task.maxAttempts
        timeoutSeconds = task.timeoutSeconds
        workerID = task.workerID
        exitCode = task.exitCode
        output = task.output
        error = task.lastError
        scheduleID = task.scheduleID?.uuidString.lowercased()
        nominalTime = task.nominalTime?.rfc3339
    }
}

/// The body of a successful `POST /schedule/batch`: the tasks in request order.
struct BatchScheduleResponse: Encodable, Sendable {
    var tasks: [ScheduleResponse]
}

/// The body of `GET /tasks`: one page, and the cursor of the next one when there may be more.
struct TaskListResponse: Encodable, Sendable {
    var tasks: [TaskStatusResponse]
    var next: String?

    init(_ page: TaskPage) {
        tasks = page.tasks.map(TaskStatusResponse.init)
        next = page.next?.token
    }
}
