/// A claim of a dispatch round: from the queues with limits, or from the others.
enum ClaimKind: Sendable {
    case limited, unlimited
}

/// The order of a round's claims for workers whose queues include some with limits. The claim
/// from the queues with limits and the one from the others take turns going first, so neither
/// kind keeps every free slot; but once a claim from the queues without limits found no task,
/// it takes its turn first only every `idleRecheck`, so that while only queues with limits have
/// work, rounds do not pay for an empty claim each time (it still runs second, for the slots the
/// other left).
struct ClaimTurns: Sendable {
    static let idleRecheck: Duration = .milliseconds(100)

    private var limitedFirst = false
    /// When a claim from the queues without limits last found no task; nil once one found some.
    private var unlimitedFoundNothingAt: ContinuousClock.Instant?

    /// The claims of the next round, in order.
    mutating func next(at now: ContinuousClock.Instant) -> [ClaimKind] {
        limitedFirst.toggle()
        let unlimitedMayLead = unlimitedFoundNothingAt.map { $0.duration(to: now) >= Self.idleRecheck } ?? true
        return limitedFirst || !unlimitedMayLead ? [.limited, .unlimited] : [.unlimited, .limited]
    }

    /// Notes what a claim from the queues without limits found.
    mutating func unlimitedClaimed(_ count: Int, at now: ContinuousClock.Instant) {
        unlimitedFoundNothingAt = count > 0 ? nil : now
    }
}
