/// A live worker as its coordinator last saw it: one entry of `GET /workers`.
public struct WorkerSnapshot: Sendable, Hashable {
    public var id: UInt32
    /// `host:port` of its WorkerService.
    public var address: String
    public var capacity: Int
    /// Tasks handed to it and not reported finished yet.
    public var inFlight: Int
    public var lastHeartbeat: Timestamp

    public init(id: UInt32, address: String, capacity: Int, inFlight: Int, lastHeartbeat: Timestamp) {
        self.id = id
        self.address = address
        self.capacity = capacity
        self.inFlight = inFlight
        self.lastHeartbeat = lastHeartbeat
    }
}

extension RegisteredWorker {
    /// This worker with its last heartbeat as a wall-clock time, `wallNow` being `now`.
    func snapshot(now: ContinuousClock.Instant, wallNow: Timestamp) -> WorkerSnapshot {
        WorkerSnapshot(
            id: id, address: address, capacity: capacity, inFlight: inFlight,
            lastHeartbeat: Timestamp(
                microsecondsSinceEpoch: wallNow.microsecondsSinceEpoch - microsecondsSilent(at: now)))
    }

    /// Microseconds from its last heartbeat to `now`.
    func microsecondsSilent(at now: ContinuousClock.Instant) -> Int64 {
        max(0, lastHeartbeat.duration(to: now).microseconds)
    }
}
