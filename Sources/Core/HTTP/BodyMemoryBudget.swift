import Synchronization

/// Bounds the memory that request bodies being read and decoded take at once: each request
/// reserves its size (its `Content-Length`, else the most it may send) for as long as it is
/// handled, and one that does not fit is refused with `503 busy` rather than waiting.
final class BodyMemoryBudget: Sendable {
    private let limit: Int
    private let reserved = Mutex(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Runs `body` with `bytes` reserved. A request larger than the whole budget still runs when
    /// nothing else is reserved, so every request the size limits allow can get through.
    func withReservation<Result>(_ bytes: Int, _ body: () async throws -> Result) async throws -> Result {
        let fits = reserved.withLock { reserved in
            guard reserved == 0 || reserved + bytes <= limit else { return false }
            reserved += bytes
            return true
        }
        guard fits else {
            throw APIError(.busy, "the server is reading as many large requests as it may at once; retry in a moment")
        }
        defer { reserved.withLock { $0 -= bytes } }
        return try await body()
    }
}
