import Synchronization

/// When this coordinator last wrote its row of the `coordinators` table, by its monotonic clock,
/// read before the write was sent (so no later than the database's time of it).
///
/// Other coordinators take this one's tasks over once its row is `--heartbeat_timeout` old, and
/// a worker registered here must by then have stopped starting the tasks it took from here. So
/// the registration an acknowledgement grants ends no later than the row's write plus the
/// heartbeat timeout; a coordinator whose row is that old acknowledges nothing.
package final class PresenceRecord: Sendable {
    private let lastWrite = Mutex<ContinuousClock.Instant?>(nil)

    package init() {}

    /// A write of the row that was sent at `instant` succeeded.
    func wrote(sentAt instant: ContinuousClock.Instant) {
        lastWrite.withLock { $0 = max($0 ?? instant, instant) }
    }

    /// How long a worker whose heartbeat is acknowledged at `now` stays registered: the heartbeat
    /// timeout minus the row's age; nil before the row was written or once it is that old.
    func registrationTerm(heartbeatTimeout: Duration, at now: ContinuousClock.Instant = .now) -> Duration? {
        guard let lastWrite = lastWrite.withLock({ $0 }) else { return nil }
        let term = heartbeatTimeout - (now - lastWrite)
        return term > .zero ? term : nil
    }
}
