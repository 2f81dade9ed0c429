/// The body of `GET /workers` (scheduler and coordinator admin port alike).
struct WorkersResponse: Encodable, Sendable {
    struct Worker: Encodable, Sendable {
        var workerID: UInt32
        var address: String
        var capacity: Int
        var inFlight: Int
        var freeSlots: Int
        var lastHeartbeat: String

        enum CodingKeys: String, CodingKey {
            case workerID = "worker_id"
            case address
            case capacity
            case inFlight = "in_flight"
            case freeSlots = "free_slots"
            case lastHeartbeat = "last_heartbeat"
        }
    }

    var workers: [Worker]

    init(_ workers: [WorkerSnapshot]) {
        self.workers = workers.map { worker in
            Worker(
                workerID: worker.id, address: worker.address, capacity: worker.capacity, inFlight: worker.inFlight,
                freeSlots: max(0, worker.capacity - worker.inFlight), lastHeartbeat: worker.lastHeartbeat.rfc3339)
        }
    }
}
