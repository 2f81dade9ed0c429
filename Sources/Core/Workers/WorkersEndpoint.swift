import Hummingbird

/// `GET /workers`: the live workers, from wherever the serving process knows them.
struct WorkersEndpoint: Sendable {
    let workers: @Sendable () async throws -> [WorkerSnapshot]

    /// The scheduler's view: the `workers` table, skipping rows not refreshed within `staleness`.
    static func fromDatabase(_ store: WorkerStore, staleness: Duration) -> WorkersEndpoint {
        WorkersEndpoint { try await store.liveWorkers(staleness: staleness) }
    }

    /// The coordinator's view: its in-memory registry.
    static func fromRegistry(_ registry: WorkerRegistry) -> WorkersEndpoint {
        WorkersEndpoint {
            let (now, wallNow) = (ContinuousClock.now, Timestamp.now())
            return registry.workers.map { $0.snapshot(now: now, wallNow: wallNow) }
        }
    }

    func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try JSONResponse.make(WorkersResponse(try await workers()))
    }
}
