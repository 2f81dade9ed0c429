import APIModels
import Core
import Hummingbird
import TaskStorage

/// `GET /summary`: the queue at a glance, for the dashboard's overview. One reading serves every
/// request for `reuseFor`, and requests that arrive while it is read wait for it, so open
/// dashboards cost the database one summary every few seconds however many there are.
actor SummaryEndpoint {
    private let store: TaskStore
    private let reuseFor: Duration
    private var latest: (readAt: ContinuousClock.Instant, body: BufferedResponse)?
    private var reading: Task<BufferedResponse, any Error>?

    init(store: TaskStore, reuseFor: Duration = .seconds(2)) {
        self.store = store
        self.reuseFor = reuseFor
    }

    func summary(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        Response(try await currentSummary())
    }

    private func currentSummary() async throws -> BufferedResponse {
        if let latest, ContinuousClock.now - latest.readAt < reuseFor {
            return latest.body
        }
        if let reading {
            return try await reading.value
        }
        let store = store
        let task = Task { try BufferedResponse.json(SummaryResponse(try await store.summary())) }
        reading = task
        defer { reading = nil }
        let body = try await task.value
        latest = (ContinuousClock.now, body)
        return body
    }
}
