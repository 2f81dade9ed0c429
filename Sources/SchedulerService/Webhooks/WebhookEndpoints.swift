import struct Foundation.UUID
import Hummingbird
import APIModels
import Core
import TaskStorage

/// The handlers behind `/webhooks`.
struct WebhookEndpoints: Sendable {
    static let deliveriesLimitRange = 1...1000
    static let defaultDeliveriesLimit = 100

    let store: WebhookStore
    let bodies: RequestBodies
    let maxBodyBytes: Int

    /// `POST /webhooks`: stores a webhook; it receives the events that happen from now on.
    func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let webhook = try await bodies.withBody(of: request, upTo: maxBodyBytes) { try WebhookRequest.decode(from: $0).validated() }
        let record = try await store.create(
            url: webhook.url, events: webhook.events, secret: webhook.secret, queue: webhook.queue, createdBy: context.caller?.name)
        context.logger.info("Webhook created", metadata: [LogKey.webhookID: "\(record.id.text)"])
        return Response(try .json(WebhookResponse(record), status: .created))
    }

    /// `GET /webhooks`.
    func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        Response(try .json(WebhookListResponse(webhooks: try await store.list().map(WebhookResponse.init))))
    }

    /// `GET /webhooks/{id}`.
    func show(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try Self.webhookID(context)
        guard let record = try await store.find(id: id) else { throw Self.notFound(id) }
        return Response(try .json(WebhookResponse(record)))
    }

    /// `DELETE /webhooks/{id}`: no more deliveries, pending ones included.
    func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try Self.webhookID(context)
        guard try await store.delete(id: id) else { throw Self.notFound(id) }
        context.logger.info("Webhook deleted", metadata: [LogKey.webhookID: "\(id.text)"])
        return Response(status: .noContent)
    }

    /// `GET /webhooks/{id}/deliveries?limit=`: the latest deliveries, newest first.
    func deliveries(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try Self.webhookID(context)
        let limit =
            try QueryParameter.integer("limit", in: request.uri.queryParameters, range: Self.deliveriesLimitRange)
            ?? Self.defaultDeliveriesLimit
        guard try await store.find(id: id) != nil else { throw Self.notFound(id) }
        let deliveries = try await store.deliveries(of: id, limit: limit)
        return Response(try .json(WebhookDeliveryListResponse(deliveries: deliveries.map(WebhookDeliveryResponse.init))))
    }

    private static func webhookID(_ context: ServiceRequestContext) throws(APIError) -> UUID {
        guard let id = UUID(text: context.parameters.get("id") ?? "") else {
            throw APIError(.invalidParameter, "the webhook id is not a UUID, e.g. 3f2b8c1e-9d4a-4e7b-8a51-6c0d2e9f1a37")
        }
        return id
    }

    private static func notFound(_ id: UUID) -> APIError {
        APIError(.notFound, "no webhook with id \(id.text)")
    }
}

extension WebhookResponse {
    init(_ record: WebhookRecord) {
        self.init(
            webhookID: record.id.text, url: record.url, events: record.events, queue: record.queue,
            createdAt: record.createdAt.rfc3339, createdBy: record.createdBy)
    }
}

extension WebhookDeliveryResponse {
    init(_ record: WebhookDeliveryRecord) {
        self.init(
            eventID: record.eventID.text, type: record.type, occurredAt: record.occurredAt.rfc3339, state: record.state.rawValue,
            attempts: record.attempts, lastStatus: record.lastStatus, lastError: record.lastError,
            nextAttemptAt: record.nextAttemptAt?.rfc3339, deliveredAt: record.deliveredAt?.rfc3339)
    }
}
