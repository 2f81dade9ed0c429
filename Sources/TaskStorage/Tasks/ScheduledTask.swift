/// A task as scheduling it left it.
public struct ScheduledTask: Sendable, Hashable {
    public var record: TaskRecord
    /// The task was stored earlier under the same idempotency key; this request stored nothing.
    public var isReplay: Bool

    public init(record: TaskRecord, isReplay: Bool) {
        self.record = record
        self.isReplay = isReplay
    }
}
