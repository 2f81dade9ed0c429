import APIModels
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

extension CoordinatorsResponse {
    init(_ coordinators: [CoordinatorSnapshot]) {
        self.init(
            coordinators: coordinators.map {
                Coordinator(
                    coordinatorID: $0.id.text, address: $0.address, workers: $0.workers,
                    lastHeartbeat: $0.lastHeartbeat.rfc3339)
            })
    }
}
