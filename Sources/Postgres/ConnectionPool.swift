import Synchronization

/// Moves a connection between the pool and the thread that uses it.
///
/// `@unchecked Sendable`: the pool hands each connection to exactly one borrower at a time and
/// takes it back only when that borrower is done, so no two threads ever use it at once.
struct PooledConnection: @unchecked Sendable {
    let connection: PostgresConnection
}

/// Lends at most `capacity` connections to async borrowers: a `ConnectionPoolState` behind a
/// lock, whose waiters are continuations resumed outside it. It never touches the network itself.
final class ConnectionPool: Sendable {
    typealias Lease = ConnectionLease<PooledConnection>
    typealias State = ConnectionPoolState<PooledConnection, CheckedContinuation<Lease, any Error>>

    private let state: Mutex<State>

    init(capacity: Int) {
        state = Mutex(State(capacity: capacity))
    }

    /// Returns a lease at once when a connection is idle or a slot is free; otherwise waits,
    /// first come first served, until one is released. Throws `.poolClosed` after `close()`.
    func checkout() async throws -> Lease {
        let id: Int
        switch state.withLock({ $0.checkout() }) {
        case .lease(let lease): return lease
        case .closed: throw Self.closedError
        case .wait: id = state.withLock { $0.nextWaiterID() }
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let decision = state.withLock { state -> State.CheckoutDecision? in
                    Task.isCancelled ? nil : state.enqueue(continuation, id: id)
                }
                switch decision {
                case nil: continuation.resume(throwing: CancellationError())
                case .lease(let lease): continuation.resume(returning: lease)
                case .closed: continuation.resume(throwing: Self.closedError)
                case .wait: break
                }
            }
        } onCancel: {
            state.withLock { $0.cancelWaiting(id: id) }?.resume(throwing: CancellationError())
        }
    }

    /// Gives a lent connection back, or with nil frees its slot (the connection was closed or never opened).
    /// The first waiter, if any, gets it.
    func release(_ connection: PooledConnection?) {
        if let handOver = state.withLock({ $0.release(connection) }) {
            handOver.waiter.resume(returning: handOver.lease)
        }
    }

    /// Connections lent out or being opened, and borrowers waiting.
    var usage: PostgresPoolUsage { state.withLock { $0.usage } }

    /// Refuses all further checkouts, fails the waiters with `.poolClosed` and returns the idle
    /// connections for the caller to close; lent connections are dropped when released.
    /// Returns nil when the pool was already closed.
    func close() -> [PooledConnection]? {
        guard let closing = state.withLock({ $0.close() }) else { return nil }
        for waiter in closing.waiters {
            waiter.resume(throwing: Self.closedError)
        }
        return closing.idle
    }

    private static var closedError: PostgresError {
        PostgresError(code: .poolClosed, message: "the database client was shut down")
    }
}
