import Synchronization

/// Bounds the memory that request bodies being read and decoded take at once: each request
/// reserves its size (its `Content-Length`, else the most it may send) for as long as it is
/// handled. One that does not fit waits, in arrival order, while its body stays in the
/// connection's buffers; after `maxWait` it is refused with `503 busy`.
package final class BodyMemoryBudget: Sendable {
    private struct Waiter {
        let id: UInt64
        let bytes: Int
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var reserved = 0
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
        /// Waits begun whose waiter is not queued yet, and those of them that timed out already.
        var unqueued: Set<UInt64> = []
        var expired: Set<UInt64> = []
    }

    private let limit: Int
    private let maxWait: Duration
    private let state = Mutex(State())

    package init(limit: Int, maxWait: Duration = .seconds(10)) {
        self.limit = limit
        self.maxWait = maxWait
    }

    /// Runs `body` with `bytes` reserved. A request larger than the whole budget still runs
    /// once nothing else is reserved, so every request the size limits allow can get through.
    package func withReservation<Result>(_ bytes: Int, _ body: () async throws -> Result) async throws -> Result {
        guard await reserve(bytes) else {
            throw APIError(.busy, "the server is reading as many large requests as it may at once; retry in a moment")
        }
        defer { release(bytes) }
        return try await body()
    }

    /// Whether `bytes` got reserved, at once or within `maxWait`.
    private func reserve(_ bytes: Int) async -> Bool {
        let id = state.withLock { state -> UInt64? in
            if state.waiters.isEmpty, fits(bytes, in: state) {
                state.reserved += bytes
                return nil
            }
            state.nextID += 1
            state.unqueued.insert(state.nextID)
            return state.nextID
        }
        guard let id else { return true }
        let timeout = Task { [maxWait] in
            guard (try? await Task.sleep(for: maxWait)) != nil else { return }
            self.giveUp(id)
        }
        defer { timeout.cancel() }
        return await withCheckedContinuation { continuation in
            let expired = state.withLock { state in
                state.unqueued.remove(id)
                guard state.expired.remove(id) == nil else { return true }
                state.waiters.append(Waiter(id: id, bytes: bytes, continuation: continuation))
                return false
            }
            if expired { continuation.resume(returning: false) } else { release(0) }
        }
    }

    private func fits(_ bytes: Int, in state: State) -> Bool {
        state.reserved == 0 || state.reserved + bytes <= limit
    }

    /// Gives back `bytes` and lets in the waiters that fit now, first come first served.
    private func release(_ bytes: Int) {
        let admitted = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.reserved -= bytes
            var admitted: [CheckedContinuation<Bool, Never>] = []
            while let first = state.waiters.first, fits(first.bytes, in: state) {
                state.reserved += first.bytes
                admitted.append(state.waiters.removeFirst().continuation)
            }
            return admitted
        }
        for continuation in admitted { continuation.resume(returning: true) }
    }

    private func giveUp(_ id: UInt64) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                // Not queued yet: it is refused once it is; otherwise it was let in already.
                if state.unqueued.contains(id) { state.expired.insert(id) }
                return nil
            }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(returning: false)
    }
}
