public import struct Foundation.UUID
public import Core

/// One row of the `tasks` table, as the services read it.
public struct TaskRecord: Sendable, Hashable {
    public var id: UUID
    public var command: String
    public var scheduledAt: Timestamp
    public var pickedAt: Timestamp?
    public var startedAt: Timestamp?
    public var completedAt: Timestamp?
    public var failedAt: Timestamp?
    public var cancelledAt: Timestamp?
    /// When the next attempt may start, after a failed attempt (retries back off).
    public var nextAttemptAt: Timestamp?
    public var status: TaskState
    public var attempts: Int
    public var maxAttempts: Int
    public var timeoutSeconds: Int?
    public var workerID: UInt32?
    public var lastError: String?
    public var exitCode: Int32?
    public var output: String?
    public var createdAt: Timestamp

    public init(
        id: UUID, command: String, scheduledAt: Timestamp, pickedAt: Timestamp? = nil,
        startedAt: Timestamp? = nil, completedAt: Timestamp? = nil, failedAt: Timestamp? = nil,
        cancelledAt: Timestamp? = nil, nextAttemptAt: Timestamp? = nil, status: TaskState, attempts: Int, maxAttempts: Int, timeoutSeconds: Int? = nil,
        workerID: UInt32? = nil, lastError: String? = nil, exitCode: Int32? = nil,
        output: String? = nil, createdAt: Timestamp
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
        self.createdAt = createdAt
    }
}
