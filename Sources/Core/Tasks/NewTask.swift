/// What a client asks to run, before it is stored.
public struct NewTask: Sendable, Hashable {
    public var command: String
    public var scheduledAt: Timestamp
    /// How many times the task may run before it is terminally failed (at least 1).
    public var maxAttempts: Int
    /// Longest run of one attempt; `nil` lets the worker decide.
    public var timeoutSeconds: Int?

    public init(command: String, scheduledAt: Timestamp, maxAttempts: Int = 1, timeoutSeconds: Int? = nil) {
        self.command = command
        self.scheduledAt = scheduledAt
        self.maxAttempts = maxAttempts
        self.timeoutSeconds = timeoutSeconds
    }
}
