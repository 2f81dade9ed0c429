import struct Foundation.UUID
import Hummingbird
import NIOCore

/// The handlers behind the scheduler's routes.
struct SchedulerEndpoints: Sendable {
    let store: TaskStore
    let maxBodyBytes: Int

    /// `POST /schedule`: stores a task and returns its id.
    func schedule(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await collectBody(of: request)
        let task = try ScheduleRequest.decode(from: body).validated()
        let record = try await store.schedule(task)
        TaskMetrics.scheduled()
        context.logger.debug("Task scheduled", metadata: ["task_id": "\(record.id)"])
        return try JSONResponse.make(ScheduleResponse(record))
    }

    /// `GET /status?task_id=<uuid>`: the task's current state.
    func status(_ request: Request, context: BasicRequestContext) async throws -> Response {
        guard let text = request.uri.queryParameters["task_id"], !text.isEmpty else {
            throw APIError(.invalidTaskID, "missing query parameter task_id; use /status?task_id=<uuid>")
        }
        guard let id = UUID(uuidString: String(text)) else {
            throw APIError(.invalidTaskID, "task_id is not a UUID, e.g. 3f2b8c1e-9d4a-4e7b-8a51-6c0d2e9f1a37")
        }
        guard let record = try await store.find(id: id) else {
            throw APIError(.notFound, "no task with id \(id.uuidString.lowercased())")
        }
        return try JSONResponse.make(TaskStatusResponse(record))
    }

    /// The whole body, refusing one over `maxBodyBytes` before reading more than that.
    private func collectBody(of request: Request) async throws(APIError) -> ByteBuffer {
        let tooLarge = APIError(.payloadTooLarge, "the request body is larger than \(maxBodyBytes) bytes")
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBodyBytes {
            throw tooLarge
        }
        do {
            return try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        } catch {
            throw APIError(.invalidField, "the request body could not be read")
        }
    }
}
