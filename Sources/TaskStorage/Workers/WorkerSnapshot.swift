public import Core

/// A live worker as its coordinator last saw it: one entry of `GET /workers`.
public struct WorkerSnapshot: Sendable, Hashable {
    public var id: UInt32
    /// `host:port` of its WorkerService.
    public var address: String
    public var capacity: Int
    /// Tasks it takes beyond `capacity`, queued to start when a slot frees.
    public var prefetch: Int
    /// Tasks handed to it and not reported finished yet.
    public var inFlight: Int
    public var lastHeartbeat: Timestamp
    /// How it runs tasks, when it says.
    public var executor: String?

    public init(
        id: UInt32, address: String, capacity: Int, prefetch: Int = 0, inFlight: Int, lastHeartbeat: Timestamp,
        executor: String? = nil
    ) {
        self.id = id
        self.address = address
        self.capacity = capacity
        self.prefetch = prefetch
        self.inFlight = inFlight
        self.lastHeartbeat = lastHeartbeat
        self.executor = executor
    }

    /// Tasks it can take now.
    public var freeSlots: Int { max(0, capacity + prefetch - inFlight) }
}
