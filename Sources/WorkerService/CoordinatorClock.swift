import Synchronization
import Core

/// The coordinator's clock as this worker reckons it, so that hand-off deadlines, which the
/// coordinator sets by its own clock, are judged correctly however far the two hosts' clocks
/// disagree.
///
/// Each acknowledged heartbeat brings the coordinator's time as it answered; the offset from
/// the local clock is taken at the midpoint of the round trip, so it is off by at most half of
/// it. Round trips longer than `maxRoundTrip` are ignored. Until the first estimate the local
/// clock is used as it is.
package final class CoordinatorClock: Sendable {
    private let localNow: @Sendable () -> Int64
    private let maxRoundTripMicros: Int64
    private let offsetMicros = Mutex<Int64>(0)

    /// `localNow`: this host's time in Unix microseconds.
    package init(
        maxRoundTrip: Duration = .seconds(1),
        localNow: @escaping @Sendable () -> Int64 = { Timestamp.now().microsecondsSinceEpoch }
    ) {
        self.localNow = localNow
        maxRoundTripMicros = maxRoundTrip.microseconds
    }

    /// The local time in Unix microseconds, for stamping a request before it is sent.
    package func localTime() -> Int64 { localNow() }

    /// Learns from a heartbeat sent at local time `sentAt` whose reply, read at local time
    /// `receivedAt`, says the coordinator's clock read `coordinatorTime` (0: not said).
    package func heard(coordinatorTime: Int64, sentAt: Int64, receivedAt: Int64) {
        let roundTrip = receivedAt - sentAt
        guard coordinatorTime != 0, roundTrip >= 0, roundTrip <= maxRoundTripMicros else { return }
        let offset = coordinatorTime - (sentAt + roundTrip / 2)
        offsetMicros.withLock { $0 = offset }
    }

    /// The coordinator's time now, in Unix microseconds.
    package func now() -> Int64 {
        localNow() + offsetMicros.withLock { $0 }
    }
}
