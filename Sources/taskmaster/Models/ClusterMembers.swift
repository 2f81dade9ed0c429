/// GET /workers.
struct WorkerList: Decodable {
    struct Worker: Decodable {
        var workerID: Int
        var address: String
        var capacity: Int
        var prefetch: Int
        var inFlight: Int
        var freeSlots: Int
        var executor: String?
        var lastHeartbeat: String

        enum CodingKeys: String, CodingKey {
            case workerID = "worker_id", address, capacity, prefetch, inFlight = "in_flight"
            case freeSlots = "free_slots", executor, lastHeartbeat = "last_heartbeat"
        }
    }

    var workers: [Worker]
}

/// GET /coordinators.
struct CoordinatorList: Decodable {
    struct Coordinator: Decodable {
        var coordinatorID: String
        var address: String
        var workers: Int
        var lastHeartbeat: String

        enum CodingKeys: String, CodingKey {
            case coordinatorID = "coordinator_id", address, workers, lastHeartbeat = "last_heartbeat"
        }
    }

    var coordinators: [Coordinator]
}
