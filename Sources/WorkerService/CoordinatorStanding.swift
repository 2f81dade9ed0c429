import Synchronization
import Core
package import RPC

/// What the worker knows of the coordinator its heartbeats reach, from that coordinator's
/// acknowledgements: which coordinator it is, its clock, and since when the worker has been
/// registered there without a break. Hand-offs and starts are judged by it, so that a worker
/// that was stopped or cut off while the coordinator gave up on it runs nothing that may run
/// elsewhere:
///
/// - A hand-off is taken only from that coordinator, only while the worker is registered there,
///   and only before its deadline by the coordinator's clock. That clock is estimated from the
///   last reply, at the late end of the estimate's uncertainty (half the round trip), so the
///   hosts' clocks need not agree and the coordinator's deadline needs no margin.
/// - A queued task starts only while the worker is registered and has been without a break since
///   it took the task. Registered means within the term the last acknowledgement granted (the
///   coordinator's heartbeat timeout, less the age of its row in the coordinators table) of
///   sending that heartbeat: the coordinator counts from when it received it, later, and other
///   coordinators take its tasks over only after its row is that old. A break is a time not
///   registered: the coordinator may have given the worker's tasks to others. Moving to another
///   coordinator without a break is none: the new one adopted every task the worker listed in
///   the heartbeat it acknowledged, and the worker took nothing from the old one since it began
///   to move.
///
/// Local times come from the monotonic clock, so a step of this host's wall clock changes
/// nothing. A coordinator of the original contract says none of this and sets no deadlines;
/// nothing is refused then.
package final class CoordinatorStanding: Sendable {
    private struct Acknowledgement {
        var coordinatorID: String
        /// The coordinator's Unix microseconds minus local microseconds since `origin`, at the
        /// round trip's midpoint; nil when the reply did not say the coordinator's time.
        var clockOffset: Int64?
        /// Half the round trip: how far the true offset may be from `clockOffset`.
        var uncertainty: Int64
        var sentAt: ContinuousClock.Instant
        /// nil when the coordinator did not say it.
        var heartbeatTimeout: Duration?
        /// Start of the unbroken registration this acknowledgement continues.
        var registeredSince: ContinuousClock.Instant
        /// The worker began moving to another coordinator: it takes no more hand-offs from this one.
        var leaving = false
        /// The queues the coordinator said are paused.
        var pausedQueues: Set<String> = []

        /// The last instant the coordinator surely still counts the worker registered.
        var registeredUntil: ContinuousClock.Instant? { heartbeatTimeout.map { sentAt + $0 } }
    }

    private let now: @Sendable () -> ContinuousClock.Instant
    private let origin: ContinuousClock.Instant
    private let last = Mutex<Acknowledgement?>(nil)

    /// `now` reads the local monotonic clock.
    package init(now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.now = now
        origin = now()
    }

    /// Learns from an acknowledged heartbeat sent at `sentAt` whose reply arrived at `receivedAt`.
    package func acknowledged(_ response: HeartbeatResponse, sentAt: ContinuousClock.Instant, receivedAt: ContinuousClock.Instant) {
        let roundTrip = max(0, (receivedAt - sentAt).microseconds)
        let midpoint = (sentAt - origin).microseconds + roundTrip / 2
        last.withLock { last in
            // The registration goes on unbroken when this reply arrived (so the heartbeat was taken
            // even earlier) while the worker was still registered.
            let continues = last.map { $0.registeredUntil.map { receivedAt < $0 } ?? true } ?? false
            last = Acknowledgement(
                coordinatorID: response.coordinatorID,
                clockOffset: response.coordinatorTimeMicros == 0 ? nil : response.coordinatorTimeMicros - midpoint,
                uncertainty: roundTrip / 2 + 1, sentAt: sentAt,
                heartbeatTimeout: response.heartbeatTimeoutMicros > 0 ? .microseconds(response.heartbeatTimeoutMicros) : nil,
                registeredSince: continues ? last!.registeredSince : receivedAt, pausedQueues: Set(response.pausedQueues))
        }
    }

    /// The worker begins moving to another coordinator: it takes no more hand-offs from this one,
    /// so the heartbeat that registers it there lists everything it took here.
    package func leave() {
        last.withLock { $0?.leaving = true }
    }

    /// Why the worker does not take `request` now, or nil when it may.
    package func refusal(of request: TaskRequest) -> String? {
        guard request.acceptBeforeMicros != 0 else { return nil }
        let now = now()
        guard let last = last.withLock({ $0 }) else { return "no heartbeat of this worker was acknowledged yet" }
        if last.leaving || (!request.coordinatorID.isEmpty && request.coordinatorID != last.coordinatorID) {
            return "the hand-off comes from a coordinator this worker's heartbeats do not go to"
        }
        if let until = last.registeredUntil, now >= until {
            return "no heartbeat was acknowledged within the coordinator's heartbeat timeout"
        }
        guard let offset = last.clockOffset else { return "the coordinator did not say its time" }
        let latestCoordinatorTime = (now - origin).microseconds + offset + last.uncertainty
        return latestCoordinatorTime > request.acceptBeforeMicros ? "the hand-off's deadline passed" : nil
    }

    /// Whether a task taken at `admitted` may start now: the worker is registered and has been
    /// without a break since then. Always, before any acknowledgement or when the coordinator
    /// did not say its heartbeat timeout.
    package func mayStart(taskAdmittedAt admitted: ContinuousClock.Instant) -> Bool {
        guard let last = last.withLock({ $0 }), let until = last.registeredUntil else { return true }
        return now() < until && admitted >= last.registeredSince
    }

    /// Why a queued task must go back to the coordinator instead of starting, or nil when it may
    /// start: the worker's registration broke since it took the task, or its queue is paused.
    func handBackReason(_ queued: TaskRunnerState.Queued) -> TaskStopReason? {
        if !mayStart(taskAdmittedAt: queued.admitted) { return .registrationLapsed }
        guard !queued.request.queue.isEmpty else { return nil }
        return last.withLock { $0?.pausedQueues.contains(queued.request.queue) ?? false } ? .queuePaused : nil
    }

    /// The coordinator's time now by the latest estimate, Unix microseconds; nil before a reply
    /// said it.
    package func coordinatorTime() -> Int64? {
        guard let last = last.withLock({ $0 }), let offset = last.clockOffset else { return nil }
        return (now() - origin).microseconds + offset
    }
}
