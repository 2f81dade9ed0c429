/// A task as scheduling it left it.
package struct ScheduledTask: Sendable, Hashable {
    package var record: TaskRecord
    /// The task was stored earlier under the same idempotency key; this request stored nothing.
    package var isReplay: Bool

    package init(record: TaskRecord, isReplay: Bool) {
        self.record = record
        self.isReplay = isReplay
    }
}
