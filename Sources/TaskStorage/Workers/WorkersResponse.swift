/// The body of `GET /workers` (scheduler and coordinator admin port alike).
struct WorkersResponse: Encodable, Sendable {
    struct Worker: Encodable, Sendable {
        var workerID: UInt32
        var address: String
        var capacity: Int
        var prefetch: Int
        var inFlight: Int
        var freeSlots: Int
        var executor: String?
        var lastHeartbeat: String

        enum CodingKeys: String, CodingKey {
            case workerID = "worker_id"
            case address
            case capacity
            case prefetch
            case inFlight = "in_flight"
            case freeSlots = "free_slots"
            case executor
            case lastHeartbeat = "last_heartbeat"
        }
    }

    var workers: [Worker]

    /// The list ordered by worker id, whoever serves it.
    init(_ workers: [WorkerSnapshot]) {
        self.workers = workers.sorted { $0.id < $1.id }.map { worker in
            Worker(
                workerID: worker.id, address: worker.address, capacity: worker.capacity, prefetch: worker.prefetch,
                inFlight: worker.inFlight, freeSlots: worker.freeSlots, executor: worker.executor,
                lastHeartbeat: worker.lastHeartbeat.rfc3339)
        }
    }
}
