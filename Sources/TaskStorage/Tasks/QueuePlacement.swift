package import APIModels

/// Where a task waits and in which order it leaves: its queue, its priority among the queue's
/// due tasks (higher first) and the concurrency key its queue's per-key limit counts it under.
package struct QueuePlacement: Sendable, Hashable {
    package var queue: String
    package var priority: Int
    package var concurrencyKey: String?

    package init(queue: String = QueueRules.defaultQueue, priority: Int = 0, concurrencyKey: String? = nil) {
        self.queue = queue
        self.priority = priority
        self.concurrencyKey = concurrencyKey
    }
}
