import struct Foundation.UUID
import Hummingbird
import NIOCore
import APIModels
import Core
import SpanExport
import TaskStorage

/// The handlers behind the scheduler's routes.
struct SchedulerEndpoints: Sendable {
    let store: TaskStore
    let inserter: TaskInsertCoalescer
    let maxBodyBytes: Int
    let maxBatchBodyBytes: Int
    let bodies: RequestBodies
    /// A request that schedules is a span; the tasks it stores keep that span's context.
    let spans: TaskSpans

    /// `POST /schedule`: stores a task and returns it; with an idempotency key, a repeated
    /// request returns the task the first one stored.
    func schedule(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        var task = try await bodies.withBody(of: request, upTo: maxBodyBytes) { body in
            try ScheduleRequest.decode(from: body).validated(headerKey: request.headers[.idempotencyKey])
        }
        task.createdBy = context.caller?.name
        let scheduled = try await spans.serving("schedule", parent: request.traceContext) { trace in
            task.traceContext = trace
            return try await inserter.schedule(task)
        }
        if !scheduled.isReplay { TaskMetrics.scheduled() }
        context.logger.debug(
            scheduled.isReplay ? "Task request replayed" : "Task scheduled",
            metadata: [LogKey.taskID: "\(scheduled.record.id)"])
        return Response(
            try .json(ScheduleResponse(scheduled.record), headers: scheduled.isReplay ? [.idempotentReplayed: "true"] : [:]))
    }

    /// `POST /schedule/batch`: stores every task of the array in one statement, or none. Keys
    /// are given per element; the `Idempotency-Key` header is refused rather than ignored.
    func scheduleBatch(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        guard request.headers[.idempotencyKey] == nil else {
            throw APIError(
                .invalidField,
                "the Idempotency-Key header is not taken by /schedule/batch; give each element its own \"idempotency_key\"")
        }
        let scheduled = try await spans.serving("schedule batch", parent: request.traceContext) { trace in
            try await bodies.withBody(of: request, upTo: maxBatchBodyBytes) { body in
                try await store.schedule(try ScheduleBatchRequest.tasks(from: body).map { task in
                    var task = task
                    task.createdBy = context.caller?.name
                    task.traceContext = trace
                    return task
                })
            }
        }
        TaskMetrics.scheduled(count: scheduled.count)
        context.logger.debug("Tasks scheduled", metadata: [LogKey.count: "\(scheduled.count)"])
        return Response(try .json(BatchScheduleResponse(tasks: scheduled.map { ScheduleResponse($0.record) })))
    }

    /// `GET /status?task_id=<uuid>`: the task's current state.
    func status(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        guard let text = request.uri.queryParameters["task_id"], !text.isEmpty else {
            throw APIError(.invalidTaskID, "missing query parameter task_id; use /status?task_id=<uuid>")
        }
        return try await taskResponse(id: String(text))
    }

    /// `GET /tasks/{id}`: the same as `/status`, addressed by path.
    func task(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try await taskResponse(id: context.parameters.get("id") ?? "")
    }

    /// `POST /cancel?task_id=`: cancels a task that has not finished; a running one is stopped.
    func cancel(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        guard let text = request.uri.queryParameters["task_id"], !text.isEmpty else {
            throw APIError(.invalidTaskID, "missing query parameter task_id; use /cancel?task_id=<uuid>")
        }
        return try await cancelTask(id: String(text), context: context)
    }

    /// `POST /tasks/{id}/cancel`: the same as `/cancel`, addressed by path.
    func cancelByPath(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try await cancelTask(id: context.parameters.get("id") ?? "", context: context)
    }

    private func cancelTask(id text: String, context: ServiceRequestContext) async throws -> Response {
        let id = try Self.taskID(text)
        switch try await store.cancel(id: id) {
        case .notFound:
            throw Self.noTask(id)
        case .alreadyFinished(let state):
            throw APIError(
                .alreadyFinished,
                state == .cancelled ? "the task is already cancelled" : "the task already ended (\(state.rawValue)); it cannot be cancelled")
        case .cancelled:
            context.logger.info("Task cancelled", metadata: [LogKey.taskID: "\(id.text)"])
            return try await taskResponse(id: text)
        }
    }

    /// `POST /tasks/{id}/retry`: one more attempt of a failed or cancelled task, due now.
    func retry(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let text = context.parameters.get("id") ?? ""
        let id = try Self.taskID(text)
        switch try await store.retry(id: id) {
        case .notFound:
            throw Self.noTask(id)
        case .notRetryable(let state):
            throw APIError(.notRetryable, "the task is \(state.rawValue); only a failed or cancelled task can be retried")
        case .retried(let task):
            context.logger.info("Task retried", metadata: [LogKey.taskID: "\(id.text)"])
            return Response(try .json(TaskStatusResponse(task)))
        }
    }

    /// `GET /tasks?status=&limit=&after=`: one page of tasks, newest first.
    func listTasks(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let query = try TaskListQuery(request.uri.queryParameters)
        let page = try await store.listTasks(
            status: query.status, scheduleID: query.scheduleID, idPrefix: query.idPrefix, after: query.after, limit: query.limit)
        return Response(try .json(TaskListResponse(page)))
    }

    /// `GET /openapi.json`: the API's OpenAPI document.
    func openAPI(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        Response(OpenAPIDocument.response)
    }

    private func taskResponse(id text: String) async throws -> Response {
        let id = try Self.taskID(text)
        guard let record = try await store.find(id: id) else {
            throw Self.noTask(id)
        }
        return Response(try .json(TaskStatusResponse(record)))
    }

    static func noTask(_ id: UUID) -> APIError {
        APIError(.notFound, "no task with id \(id.text)")
    }

    static func taskID(_ text: String) throws(APIError) -> UUID {
        guard let id = UUID(text: text) else {
            throw APIError(.invalidTaskID, "task id is not a UUID, e.g. 3f2b8c1e-9d4a-4e7b-8a51-6c0d2e9f1a37")
        }
        return id
    }
}

extension HTTPFields.Element.Name {
    /// The client's key that makes retrying `POST /schedule` safe.
    static let idempotencyKey = Self("Idempotency-Key")!
    /// Sent as `true` when an idempotent request returned a task stored earlier.
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}
