import APIModels
package import Core

/// `GET /workers`: the live workers, from wherever the serving process knows them.
package struct WorkersEndpoint: Sendable {
    let workers: @Sendable () async throws -> [WorkerSnapshot]

    package init(workers: @escaping @Sendable () async throws -> [WorkerSnapshot]) {
        self.workers = workers
    }

    /// The scheduler's view: the `workers` table, skipping rows not refreshed within `staleness`.
    package static func fromDatabase(_ store: WorkerStore, staleness: Duration) -> WorkersEndpoint {
        WorkersEndpoint { try await store.liveWorkers(staleness: staleness) }
    }

    /// The live workers as JSON.
    package func list() async throws -> BufferedResponse {
        try .json(WorkersResponse(try await workers()))
    }

    /// `list()` at `/workers`.
    package var route: AdminRoute {
        AdminRoute(path: "/workers", handler: list)
    }
}
