import Synchronization

/// Hands out the indexes 0..<count, each once, to concurrent senders.
final class TicketDispenser: Sendable {
    private let nextIndex = Mutex(0)
    private let count: Int

    init(count: Int) {
        self.count = count
    }

    func next() -> Int? {
        nextIndex.withLock { index in
            guard index < count else { return nil }
            defer { index += 1 }
            return index
        }
    }
}
