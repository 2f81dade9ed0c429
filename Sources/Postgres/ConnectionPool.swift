internal import NIOCore
import Synchronization

/// Moves a connection between the pool and the thread that uses it.
///
/// `@unchecked Sendable`: the pool hands each connection to exactly one borrower at a time and
/// takes it back only when that borrower is done, so no two threads ever use it at once.
struct PooledConnection: @unchecked Sendable {
    let connection: PostgresConnection
}

/// Bookkeeping for at most `capacity` connections: idle ones to reuse, free slots to open new
/// ones, and borrowers waiting in arrival order. It never touches the network itself.
final class ConnectionPool: Sendable {
    /// What a borrower gets: a connection to reuse, or the right to open one.
    enum Lease: Sendable {
        case idle(PooledConnection)
        case openNew
    }

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Lease, any Error>
    }

    private struct State {
        var idle: [PooledConnection] = []
        /// Connections open or being opened, idle or lent out.
        var slotsTaken = 0
        var waiters = CircularBuffer<Waiter>()
        var nextWaiterID = 0
        var isClosed = false
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        precondition(capacity > 0, "a pool needs at least one connection")
        self.capacity = capacity
    }

    /// Returns a lease at once when a connection is idle or a slot is free; otherwise waits,
    /// first come first served, until one is released. Throws `.poolClosed` after `close()`.
    func checkout() async throws -> Lease {
        if let lease = try state.withLock({ try Self.leaseIfAvailable(&$0, capacity: capacity) }) {
            return lease
        }
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let outcome = state.withLock { state -> Result<Lease, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    do {
                        if let lease = try Self.leaseIfAvailable(&state, capacity: capacity) { return .success(lease) }
                    } catch {
                        return .failure(error)
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Gives a lent connection back, or with nil frees its slot (the connection was closed or never opened).
    /// The first waiter, if any, gets it.
    func release(_ connection: PooledConnection?) {
        let (waiter, lease) = state.withLock { state -> (Waiter?, Lease?) in
            guard !state.isClosed else {
                state.slotsTaken -= 1
                return (nil, nil)
            }
            let waiter = state.waiters.popFirst()
            guard let connection else {
                if waiter == nil { state.slotsTaken -= 1 }
                return (waiter, .openNew)
            }
            if waiter == nil { state.idle.append(connection) }
            return (waiter, .idle(connection))
        }
        if let waiter, let lease { waiter.continuation.resume(returning: lease) }
    }

    /// Connections lent out or being opened, and borrowers waiting.
    var usage: PostgresPoolUsage {
        state.withLock { PostgresPoolUsage(inUse: $0.slotsTaken - $0.idle.count, waiting: $0.waiters.count) }
    }

    /// Refuses all further checkouts, fails the waiters with `.poolClosed` and returns the idle
    /// connections for the caller to close; lent connections are dropped when released.
    /// Returns nil when the pool was already closed.
    func close() -> [PooledConnection]? {
        let closed = state.withLock { state -> (idle: [PooledConnection], waiters: CircularBuffer<Waiter>)? in
            guard !state.isClosed else { return nil }
            let closed = (idle: state.idle, waiters: state.waiters)
            state.isClosed = true
            state.slotsTaken -= state.idle.count
            state.idle = []
            state.waiters = []
            return closed
        }
        guard let closed else { return nil }
        for waiter in closed.waiters {
            waiter.continuation.resume(throwing: PostgresError(code: .poolClosed, message: "the database client was shut down"))
        }
        return closed.idle
    }

    private static func leaseIfAvailable(_ state: inout State, capacity: Int) throws -> Lease? {
        guard !state.isClosed else {
            throw PostgresError(code: .poolClosed, message: "the database client was shut down")
        }
        if let connection = state.idle.popLast() { return .idle(connection) }
        guard state.slotsTaken < capacity else { return nil }
        state.slotsTaken += 1
        return .openNew
    }
}
