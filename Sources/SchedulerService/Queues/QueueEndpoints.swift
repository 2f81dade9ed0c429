import Hummingbird
import APIModels
import Core
import TaskStorage

/// The handlers behind `/queues`.
struct QueueEndpoints: Sendable {
    let store: QueueStore
    let bodies: RequestBodies
    let maxBodyBytes: Int

    /// `GET /queues`: every queue that has settings or unfinished tasks.
    func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        Response(try .json(QueueListResponse(queues: try await store.list())))
    }

    /// `GET /queues/{name}`.
    func show(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let name = try Self.name(context)
        guard let queue = try await store.find(name: name) else {
            throw APIError(.notFound, "no queue named \"\(name)\": it has no settings and no unfinished task")
        }
        return Response(try .json(queue))
    }

    /// `PUT /queues/{name}`: replaces the queue's settings.
    func replace(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let name = try Self.name(context)
        let settings = try await bodies.withBody(of: request, upTo: maxBodyBytes) { try QueueSettingsRequest.settings(from: $0) }
        let queue = try await store.put(name: name, settings: settings)
        context.logger.info("Queue settings changed", metadata: [LogKey.queue: "\(name)"])
        return Response(try .json(queue))
    }

    /// `POST /queues/{name}/pause`: no task of the queue starts until it is resumed.
    func pause(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try await setPaused(true, context: context)
    }

    /// `POST /queues/{name}/resume`.
    func resume(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try await setPaused(false, context: context)
    }

    private func setPaused(_ paused: Bool, context: ServiceRequestContext) async throws -> Response {
        let name = try Self.name(context)
        let queue = try await store.setPaused(name: name, paused)
        context.logger.info(paused ? "Queue paused" : "Queue resumed", metadata: [LogKey.queue: "\(name)"])
        return Response(try .json(queue))
    }

    private static func name(_ context: ServiceRequestContext) throws(APIError) -> String {
        let name = context.parameters.get("name") ?? ""
        guard QueueRules.isValidName(name) else {
            throw APIError(.invalidField, "the queue name \"\(name)\" is not valid; a queue name is \(QueueRules.nameRule)")
        }
        return name
    }
}
