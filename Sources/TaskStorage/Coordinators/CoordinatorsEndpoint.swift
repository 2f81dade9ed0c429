package import Core

/// `GET /coordinators`: the coordinators seen within the last `staleness`.
package struct CoordinatorsEndpoint: Sendable {
    let store: CoordinatorStore
    let staleness: Duration

    package init(store: CoordinatorStore, staleness: Duration) {
        self.store = store
        self.staleness = staleness
    }

    package func list() async throws -> BufferedResponse {
        try .json(CoordinatorsResponse(try await store.liveCoordinators(staleness: staleness)))
    }

    package var route: AdminRoute {
        AdminRoute(path: "/coordinators", handler: list)
    }
}

/// The body of `GET /coordinators`.
struct CoordinatorsResponse: Encodable, Sendable {
    struct Coordinator: Encodable, Sendable {
        var coordinatorID: String
        var address: String
        var workers: Int
        var lastHeartbeat: String

        enum CodingKeys: String, CodingKey {
            case coordinatorID = "coordinator_id"
            case address, workers
            case lastHeartbeat = "last_heartbeat"
        }
    }

    var coordinators: [Coordinator]

    init(_ coordinators: [CoordinatorSnapshot]) {
        self.coordinators = coordinators.map {
            Coordinator(
                coordinatorID: $0.id.uuidString.lowercased(), address: $0.address, workers: $0.workers,
                lastHeartbeat: $0.lastHeartbeat.rfc3339)
        }
    }
}
