import Synchronization
import Testing

@testable import RPC
@testable import WorkerService

/// A worker judges hand-offs and starts by what its coordinator's acknowledgements taught it:
/// the coordinator's clock (at the late end of the estimate), who the coordinator is, and
/// whether the worker has stayed registered there.
@Suite struct CoordinatorStandingTests {
    private static let millisecond: Int64 = 1000
    private static let second: Int64 = 1_000_000
    /// A coordinator whose clock reads this many Unix microseconds when the test's clock starts.
    private static let coordinatorEpoch: Int64 = 1_800_000_000 * second

    /// A monotonic clock the test moves.
    private final class ManualClock: Sendable {
        let start = ContinuousClock.now
        private let elapsed = Mutex<Duration>(.zero)
        func now() -> ContinuousClock.Instant { start + elapsed.withLock { $0 } }
        func advance(by duration: Duration) { elapsed.withLock { $0 += duration } }
    }

    private static func acknowledgement(
        at coordinatorTime: Int64, coordinator: String = "c1", heartbeatTimeout: Duration = .seconds(5)
    ) -> HeartbeatResponse {
        HeartbeatResponse(
            acknowledged: true, coordinatorTimeMicros: coordinatorTime, coordinatorID: coordinator,
            heartbeatTimeoutMicros: heartbeatTimeout.microseconds)
    }

    private static func handOff(before deadline: Int64, from coordinator: String = "c1") -> TaskRequest {
        TaskRequest(taskID: "t", data: "", attempt: 1, acceptBeforeMicros: deadline, coordinatorID: coordinator)
    }

    /// A heartbeat with a 200 ms round trip, answered 100 ms in when the coordinator's clock read
    /// `coordinatorEpoch`; the clock then stands at the reply's arrival.
    private static func standingAfterOneHeartbeat(_ clock: ManualClock, heartbeatTimeout: Duration = .seconds(5)) -> CoordinatorStanding {
        let standing = CoordinatorStanding(now: clock.now)
        let sentAt = clock.now()
        clock.advance(by: .milliseconds(200))
        standing.acknowledged(
            acknowledgement(at: coordinatorEpoch, heartbeatTimeout: heartbeatTimeout), sentAt: sentAt, receivedAt: clock.now())
        return standing
    }

    @Test func theCoordinatorsClockIsTakenAtTheRoundTripsMidpoint() {
        let clock = ManualClock()
        let standing = Self.standingAfterOneHeartbeat(clock)
        #expect(standing.coordinatorTime() == Self.coordinatorEpoch + 100 * Self.millisecond)
        clock.advance(by: .seconds(2))
        #expect(standing.coordinatorTime() == Self.coordinatorEpoch + 2100 * Self.millisecond)
    }

    @Test func aDeadlineIsJudgedAtTheLateEndOfTheEstimate() {
        let clock = ManualClock()
        let standing = Self.standingAfterOneHeartbeat(clock)
        // The coordinator's clock reads between epoch + 0 and epoch + 200 ms now.
        let withinUncertainty = Self.handOff(before: Self.coordinatorEpoch + 150 * Self.millisecond)
        #expect(standing.refusal(of: withinUncertainty) == "the hand-off's deadline passed")
        #expect(standing.refusal(of: Self.handOff(before: Self.coordinatorEpoch + 250 * Self.millisecond)) == nil)
    }

    @Test func hostsClocksNeedNotAgree() {
        // The coordinator's clock is years from the local one; only durations are compared.
        let clock = ManualClock()
        let standing = Self.standingAfterOneHeartbeat(clock, heartbeatTimeout: .seconds(60))
        let deadline = Self.coordinatorEpoch + 5 * Self.second
        #expect(standing.refusal(of: Self.handOff(before: deadline)) == nil)
        clock.advance(by: .milliseconds(4700))
        #expect(standing.refusal(of: Self.handOff(before: deadline)) == nil)
        clock.advance(by: .milliseconds(200))
        #expect(standing.refusal(of: Self.handOff(before: deadline)) == "the hand-off's deadline passed")
    }

    @Test func handOffsComeOnlyFromTheCoordinatorTheHeartbeatsReach() {
        let clock = ManualClock()
        let standing = Self.standingAfterOneHeartbeat(clock)
        let deadline = Self.coordinatorEpoch + 5 * Self.second
        #expect(
            standing.refusal(of: Self.handOff(before: deadline, from: "c2"))
                == "the hand-off comes from a coordinator this worker's heartbeats do not go to")
        #expect(standing.refusal(of: Self.handOff(before: deadline, from: "")) == nil, "a coordinator that does not say who it is")
    }

    @Test func beforeAnyAcknowledgementOnlyHandOffsWithoutADeadlineAreTaken() {
        let standing = CoordinatorStanding()
        #expect(standing.refusal(of: Self.handOff(before: Self.coordinatorEpoch)) == "no heartbeat of this worker was acknowledged yet")
        #expect(standing.refusal(of: TaskRequest(taskID: "t", data: "")) == nil, "the original contract sets no deadline")
        #expect(standing.mayStart(taskAdmittedAt: .now))
    }

    @Test func aLapsedRegistrationRefusesHandOffsAndStarts() {
        let clock = ManualClock()
        let standing = Self.standingAfterOneHeartbeat(clock, heartbeatTimeout: .seconds(3))
        let admitted = clock.now()
        let farDeadline = Self.coordinatorEpoch + 3600 * Self.second
        clock.advance(by: .milliseconds(2700))
        #expect(standing.mayStart(taskAdmittedAt: admitted))
        #expect(standing.refusal(of: Self.handOff(before: farDeadline)) == nil)
        // Three seconds after the acknowledged heartbeat was sent: the coordinator may have
        // removed the worker and given its tasks to others.
        clock.advance(by: .milliseconds(100))
        #expect(!standing.mayStart(taskAdmittedAt: admitted))
        #expect(
            standing.refusal(of: Self.handOff(before: farDeadline))
                == "no heartbeat was acknowledged within the coordinator's heartbeat timeout")
    }

    @Test func aTaskTakenBeforeABreakInTheRegistrationNeverStarts() {
        let clock = ManualClock()
        let standing = Self.standingAfterOneHeartbeat(clock, heartbeatTimeout: .seconds(3))
        let takenBefore = clock.now()
        clock.advance(by: .seconds(10))
        let sentAt = clock.now()
        clock.advance(by: .milliseconds(10))
        standing.acknowledged(
            Self.acknowledgement(at: Self.coordinatorEpoch + 10 * Self.second, heartbeatTimeout: .seconds(3)), sentAt: sentAt,
            receivedAt: clock.now())
        #expect(!standing.mayStart(taskAdmittedAt: takenBefore), "registered again, but not without a break")
        #expect(standing.mayStart(taskAdmittedAt: clock.now()))
    }

    @Test func acknowledgementsInTimeKeepTheRegistrationUnbroken() {
        let clock = ManualClock()
        let standing = Self.standingAfterOneHeartbeat(clock, heartbeatTimeout: .seconds(3))
        let taken = clock.now()
        for beat in 1...5 {
            clock.advance(by: .seconds(1))
            let sentAt = clock.now()
            clock.advance(by: .milliseconds(10))
            standing.acknowledged(
                Self.acknowledgement(at: Self.coordinatorEpoch + Int64(beat) * Self.second, heartbeatTimeout: .seconds(3)),
                sentAt: sentAt, receivedAt: clock.now())
        }
        #expect(standing.mayStart(taskAdmittedAt: taken))
        // The worker moves to another coordinator in time: that one adopted what it listed.
        standing.leave()
        #expect(
            standing.refusal(of: Self.handOff(before: Self.coordinatorEpoch + 60 * Self.second))
                == "the hand-off comes from a coordinator this worker's heartbeats do not go to")
        let sentAt = clock.now()
        standing.acknowledged(
            Self.acknowledgement(at: Self.coordinatorEpoch + 6 * Self.second, coordinator: "c2"), sentAt: sentAt, receivedAt: clock.now())
        #expect(standing.mayStart(taskAdmittedAt: taken))
        #expect(standing.refusal(of: Self.handOff(before: Self.coordinatorEpoch + 60 * Self.second, from: "c2")) == nil)
    }

    @Test func queuedTasksOfAPausedQueueGoBackWhileOthersStay() {
        let clock = ManualClock()
        let standing = CoordinatorStanding(now: clock.now)
        let sentAt = clock.now()
        clock.advance(by: .milliseconds(2))
        var response = Self.acknowledgement(at: Self.coordinatorEpoch)
        response.pausedQueues = ["mail"]
        standing.acknowledged(response, sentAt: sentAt, receivedAt: clock.now())
        var state = TaskRunnerState(capacity: 1, prefetch: 3)
        for (id, queue) in [("a", "mail"), ("b", "default"), ("c", ""), ("d", "mail")] {
            _ = state.admit(TaskRequest(taskID: id, data: "", attempt: 1, queue: queue), at: clock.now())
        }
        let step = state.nextStep(handBackReason: standing.handBackReason)
        #expect(step.endedUnrun.map(\.request.taskID) == ["a", "d"])
        #expect(step.endedUnrun.allSatisfy { $0.reason == .queuePaused })
        #expect(step.starts.map(\.request.taskID) == ["b"])
        #expect(state.queue.map(\.request.taskID) == ["c"], "a task whose queue the coordinator did not say waits")
    }
}
