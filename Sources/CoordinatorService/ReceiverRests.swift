import struct Foundation.UUID

/// Which webhooks' receivers are resting: after `threshold` failed attempts in a row, a webhook's
/// deliveries are not taken for a pause of 1 s, doubled each time the attempts after a pause fail
/// again (at most `longestPause`); one delivered attempt ends it. A dead receiver then costs a
/// few attempts a pause instead of one for every delivery waiting for it, while a receiver that
/// fails now and then is never held back beyond each delivery's own backoff.
struct ReceiverRests: Sendable {
    static let threshold = 3
    static let longestPause: Duration = .seconds(60)

    private struct Receiver {
        var failuresInARow = 0
        /// Pauses begun since the last delivered attempt.
        var pauses = 0
        var restingUntil: ContinuousClock.Instant?
    }

    private var receivers: [UUID: Receiver] = [:]

    /// Notes how an attempt to deliver to `webhook` went.
    mutating func record(webhook: UUID, delivered: Bool, at now: ContinuousClock.Instant) {
        guard !delivered else {
            receivers[webhook] = nil
            return
        }
        var receiver = receivers[webhook] ?? Receiver()
        receiver.failuresInARow += 1
        let resting = receiver.restingUntil.map { now < $0 } ?? false
        if receiver.failuresInARow >= Self.threshold, !resting {
            receiver.restingUntil = now + Self.pause(after: receiver.pauses)
            receiver.pauses += 1
        }
        receivers[webhook] = receiver
    }

    /// The webhooks whose deliveries are not to be taken now.
    func resting(at now: ContinuousClock.Instant) -> [UUID] {
        receivers.compactMap { webhook, receiver in receiver.restingUntil.map { now < $0 } == true ? webhook : nil }
    }

    /// The pause that follows `pauses` earlier ones: 1 s, 2 s, 4 s … at most `longestPause`.
    static func pause(after pauses: Int) -> Duration {
        min(.seconds(1) * (1 << min(pauses, 6)), longestPause)
    }
}
