package import Core

/// A live worker as its coordinator last saw it: one entry of `GET /workers`.
package struct WorkerSnapshot: Sendable, Hashable {
    package var id: UInt32
    /// `host:port` of its WorkerService.
    package var address: String
    package var capacity: Int
    /// Tasks it takes beyond `capacity`, queued to start when a slot frees.
    package var prefetch: Int
    /// Tasks handed to it and not reported finished yet.
    package var inFlight: Int
    package var lastHeartbeat: Timestamp
    /// How it runs tasks, when it says.
    package var executor: String?
    /// The queues it takes tasks from; nil: every queue.
    package var queues: [String]?

    package init(
        id: UInt32, address: String, capacity: Int, prefetch: Int = 0, inFlight: Int, lastHeartbeat: Timestamp,
        executor: String? = nil, queues: [String]? = nil
    ) {
        self.id = id
        self.address = address
        self.capacity = capacity
        self.prefetch = prefetch
        self.inFlight = inFlight
        self.lastHeartbeat = lastHeartbeat
        self.executor = executor
        self.queues = queues
    }

    /// Tasks it can take now.
    package var freeSlots: Int { max(0, capacity + prefetch - inFlight) }
}
