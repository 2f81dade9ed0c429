internal import NIOCore

/// What a borrower gets from a pool: a connection to reuse, or the right to open one.
enum ConnectionLease<Connection> {
    case idle(Connection)
    case openNew
}

extension ConnectionLease: Sendable where Connection: Sendable {}

/// The bookkeeping of a pool of at most `capacity` connections, as a value: idle connections to
/// reuse, slots to open new ones, and borrowers waiting in arrival order. Each change returns
/// what the caller must do (hand a lease to a waiter, fail waiters, close connections); the state
/// never touches the network, a continuation or a lock itself. `ConnectionPool` shares one.
struct ConnectionPoolState<Connection, Waiter> {
    typealias Lease = ConnectionLease<Connection>

    enum CheckoutDecision {
        case lease(Lease)
        /// No connection or slot is free: the borrower waits (`enqueue` has queued it).
        case wait
        /// The pool is closed.
        case closed
    }

    /// What `close()` leaves to the caller.
    struct Closing {
        /// To be closed by the caller.
        var idle: [Connection]
        /// To be failed by the caller.
        var waiters: [Waiter]
    }

    private let capacity: Int
    private var idle: [Connection] = []
    /// Connections open or being opened, idle or lent out.
    private var slotsTaken = 0
    private var waiters = CircularBuffer<(id: Int, waiter: Waiter)>()
    private var lastWaiterID = 0
    private var isClosed = false

    init(capacity: Int) {
        precondition(capacity > 0, "a pool needs at least one connection")
        self.capacity = capacity
    }

    /// Connections lent out or being opened, and borrowers waiting.
    var usage: PostgresPoolUsage { PostgresPoolUsage(inUse: slotsTaken - idle.count, waiting: waiters.count) }

    /// An id for a borrower about to wait, to find it again if it gives up.
    mutating func nextWaiterID() -> Int {
        lastWaiterID += 1
        return lastWaiterID
    }

    /// A lease at once when a connection is idle or a slot is free; `.wait` otherwise (nothing is queued).
    mutating func checkout() -> CheckoutDecision {
        guard !isClosed else { return .closed }
        if let connection = idle.popLast() { return .lease(.idle(connection)) }
        guard slotsTaken < capacity else { return .wait }
        slotsTaken += 1
        return .lease(.openNew)
    }

    /// As `checkout()`, and when the answer is `.wait`, queues `waiter` behind those already waiting.
    mutating func enqueue(_ waiter: Waiter, id: Int) -> CheckoutDecision {
        let decision = checkout()
        if case .wait = decision { waiters.append((id, waiter)) }
        return decision
    }

    /// Takes a waiter that gave up out of the queue; nil when it was already served or failed.
    mutating func cancelWaiting(id: Int) -> Waiter? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index).waiter
    }

    /// Takes a lent connection back, or with nil frees its slot (the connection was closed or
    /// never opened). Returns the first waiter and the lease it must be given, if any.
    mutating func release(_ connection: Connection?) -> (waiter: Waiter, lease: Lease)? {
        guard !isClosed else {
            slotsTaken -= 1
            return nil
        }
        guard let next = waiters.popFirst() else {
            if let connection { idle.append(connection) } else { slotsTaken -= 1 }
            return nil
        }
        return (next.waiter, connection.map(Lease.idle) ?? .openNew)
    }

    /// Refuses every later checkout. Returns the idle connections and the waiters for the caller
    /// to close and fail; lent connections are dropped when released. Nil when already closed.
    mutating func close() -> Closing? {
        guard !isClosed else { return nil }
        isClosed = true
        let closing = Closing(idle: idle, waiters: waiters.map(\.waiter))
        slotsTaken -= idle.count
        idle = []
        waiters = []
        return closing
    }
}
