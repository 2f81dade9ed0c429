package import struct Foundation.UUID
package import APIModels
package import Core
package import TracePropagation

/// One row of the `tasks` table, as the services read it.
package struct TaskRecord: Sendable, Hashable {
    package var id: UUID
    package var command: String
    package var scheduledAt: Timestamp
    package var pickedAt: Timestamp?
    package var startedAt: Timestamp?
    package var completedAt: Timestamp?
    package var failedAt: Timestamp?
    package var cancelledAt: Timestamp?
    /// When the next attempt may start, after a failed attempt (retries back off).
    package var nextAttemptAt: Timestamp?
    package var status: TaskState
    package var attempts: Int
    package var maxAttempts: Int
    package var timeoutSeconds: Int?
    package var workerID: UInt32?
    package var lastError: String?
    package var exitCode: Int32?
    package var output: String?
    /// How many bytes the task printed in all, and whether `output` leaves part of them out
    /// (nil until an attempt ends).
    package var outputBytes: Int64?
    package var outputTruncated: Bool?
    package var createdAt: Timestamp
    /// The schedule that made the task, and the fire time it stands for (before jitter).
    package var scheduleID: UUID?
    package var nominalTime: Timestamp?
    package var placement: QueuePlacement
    /// The name of the API token that asked for the task.
    package var createdBy: String?
    /// The W3C trace context of the request that made the task (or its schedule).
    package var traceContext: TaskTraceContext?

    package init(
        id: UUID, command: String, scheduledAt: Timestamp, pickedAt: Timestamp? = nil,
        startedAt: Timestamp? = nil, completedAt: Timestamp? = nil, failedAt: Timestamp? = nil,
        cancelledAt: Timestamp? = nil, nextAttemptAt: Timestamp? = nil, status: TaskState, attempts: Int, maxAttempts: Int, timeoutSeconds: Int? = nil,
        workerID: UInt32? = nil, lastError: String? = nil, exitCode: Int32? = nil,
        output: String? = nil, createdAt: Timestamp, scheduleID: UUID? = nil, nominalTime: Timestamp? = nil,
        placement: QueuePlacement = QueuePlacement(),
        createdBy: String? = nil, outputBytes: Int64? = nil, outputTruncated: Bool? = nil,
        traceContext: TaskTraceContext? = nil
    ) {
        self.id = id
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
        self.lastError = lastError
        self.exitCode = exitCode
        self.output = output
        self.outputBytes = outputBytes
        self.outputTruncated = outputTruncated
        self.createdAt = createdAt
        self.scheduleID = scheduleID
        self.nominalTime = nominalTime
        self.placement = placement
        self.createdBy = createdBy
        self.traceContext = traceContext
    }
}
