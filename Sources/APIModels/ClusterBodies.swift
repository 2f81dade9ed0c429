/// The body of `GET /workers` (the scheduler's and the coordinator's admin server alike).
package struct WorkersResponse: Codable, Sendable {
    package struct Worker: Codable, Sendable {
        package var workerID: UInt32
        package var address: String
        package var capacity: Int
        package var prefetch: Int
        package var inFlight: Int
        package var freeSlots: Int
        package var executor: String?
        /// The queues it takes tasks from; left out when it takes them from every queue.
        package var queues: [String]?
        package var lastHeartbeat: String

        enum CodingKeys: String, CodingKey {
            case workerID = "worker_id"
            case address
            case capacity
            case prefetch
            case inFlight = "in_flight"
            case freeSlots = "free_slots"
            case executor
            case queues
            case lastHeartbeat = "last_heartbeat"
        }

        package init(
            workerID: UInt32, address: String, capacity: Int, prefetch: Int, inFlight: Int, freeSlots: Int,
            executor: String?, queues: [String]?, lastHeartbeat: String
        ) {
            self.workerID = workerID
            self.address = address
            self.capacity = capacity
            self.prefetch = prefetch
            self.inFlight = inFlight
            self.freeSlots = freeSlots
            self.executor = executor
            self.queues = queues
            self.lastHeartbeat = lastHeartbeat
        }
    }

    package var workers: [Worker]

    package init(workers: [Worker]) {
        self.workers = workers
    }
}

/// The body of `GET /coordinators`.
package struct CoordinatorsResponse: Codable, Sendable {
    package struct Coordinator: Codable, Sendable {
        package var coordinatorID: String
        package var address: String
        package var workers: Int
        package var lastHeartbeat: String

        enum CodingKeys: String, CodingKey {
            case coordinatorID = "coordinator_id"
            case address, workers
            case lastHeartbeat = "last_heartbeat"
        }

        package init(coordinatorID: String, address: String, workers: Int, lastHeartbeat: String) {
            self.coordinatorID = coordinatorID
            self.address = address
            self.workers = workers
            self.lastHeartbeat = lastHeartbeat
        }
    }

    package var coordinators: [Coordinator]

    package init(coordinators: [Coordinator]) {
        self.coordinators = coordinators
    }
}
