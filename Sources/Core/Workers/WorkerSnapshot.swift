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

extension RegisteredWorker {
    /// This worker with its last heartbeat as a wall-clock time, `wallNow` being `now`.
    func snapshot(now: ContinuousClock.Instant, wallNow: Timestamp) -> WorkerSnapshot {
        WorkerSnapshot(
            id: id, address: address, capacity: capacity, prefetch: prefetch, inFlight: inFlight,
            lastHeartbeat: Timestamp(
                microsecondsSinceEpoch: wallNow.microsecondsSinceEpoch - microsecondsSilent(at: now)),
            executor: executor)
    }

    /// Microseconds from its last heartbeat to `now`.
    func microsecondsSilent(at now: ContinuousClock.Instant) -> Int64 {
        max(0, lastHeartbeat.duration(to: now).microseconds)
    }
}
