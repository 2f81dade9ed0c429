import Synchronization

/// Whether leases that ran out may be taken back yet.
///
/// A lease runs out when no heartbeat renewed it, which means its worker is gone, unless the
/// renewals themselves failed: while the database cannot be reached, heartbeats of live workers
/// arrive but cannot be written. So expired leases are taken back only once the database has
/// answered for `grace` without a failure (every live worker's heartbeat has renewed its leases by then),
/// and not before `grace` has passed since the coordinator started (its workers find it again
/// and renew what a coordinator before it handed out).
package final class LeaseRecoveryGate: Sendable {
    private let grace: Duration
    private let since: Mutex<ContinuousClock.Instant>

    /// `grace`: at least a few heartbeat intervals; the heartbeat timeout is a good choice.
    package init(grace: Duration, startedAt: ContinuousClock.Instant = .now) {
        self.grace = grace
        since = Mutex(startedAt)
    }

    /// The database could not be reached at `instant` (a heartbeat's leases could not be
    /// renewed, or a recovery failed).
    package func databaseFailed(at instant: ContinuousClock.Instant = .now) {
        since.withLock { $0 = max($0, instant) }
    }

    /// Whether expired leases may be taken back at `instant`.
    package func isOpen(at instant: ContinuousClock.Instant = .now) -> Bool {
        instant >= since.withLock { $0 } + grace
    }
}
