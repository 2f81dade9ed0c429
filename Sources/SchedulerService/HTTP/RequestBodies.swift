import Hummingbird
import NIOCore
import Core

/// Reads request bodies whole, each within its size limit and all within the memory budget.
struct RequestBodies: Sendable {
    let budget: BodyMemoryBudget

    /// Runs `handle` with the whole body, refusing one over `limit` before reading more than
    /// that; the body's size is reserved in `budget` while it is read and handled.
    func withBody<Result>(
        of request: Request, upTo limit: Int, _ handle: (ByteBuffer) async throws -> Result
    ) async throws -> Result {
        let tooLarge = APIError(.payloadTooLarge, "the request body is larger than \(limit) bytes")
        let declared = request.headers[.contentLength].flatMap(Int.init)
        if let declared, declared > limit {
            throw tooLarge
        }
        return try await budget.withReservation(declared ?? limit) {
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: limit)
            } catch is NIOTooManyBytesError {
                throw tooLarge
            } catch {
                throw APIError(.invalidField, "the request body could not be read")
            }
            return try await handle(body)
        }
    }
}
