import Testing

@testable import Core
@testable import RPC
@testable import WorkerService

@Suite struct TaskRunnerStateTests {
    private static func task(_ id: String) -> TaskRequest {
        TaskRequest(taskID: id, data: "", attempt: 1)
    }

    @Test func admitsUpToCapacityPlusPrefetchAndStartsOnlyCapacity() {
        var state = TaskRunnerState(capacity: 2, prefetch: 1)
        #expect(["a", "b", "c"].map { state.admit(Self.task($0)) } == [.accepted, .accepted, .accepted])
        #expect(state.admit(Self.task("d")) == .full)
        #expect(state.freeSlots == 0)
        let step = state.nextStep()
        #expect(step.starts.map(\.request.taskID) == ["a", "b"])
        #expect(state.nextStep().starts.isEmpty, "both slots are taken")
        _ = state.finish(step.starts[0].serial, runTime: .milliseconds(1))
        #expect(state.nextStep().starts.map(\.request.taskID) == ["c"])
    }

    @Test func cancelDropsQueuedAttemptsAndMarksRunningOnes() {
        var state = TaskRunnerState(capacity: 1, prefetch: 2)
        _ = state.admit(Self.task("a"))
        _ = state.admit(Self.task("b"))
        let running = state.nextStep().starts[0]
        #expect(state.cancel(taskID: "b").found)
        #expect(state.nextStep().endedUnrun.map(\.request.taskID) == ["b"])
        #expect(state.cancel(taskID: "a").found)
        #expect(state.attachExecution(running.serial) { Task { .cancelled } } == nil, "a stopped task never runs")
        #expect(state.finish(running.serial, runTime: nil) == .cancelled)
        #expect(!state.cancel(taskID: "a").found)
    }

    @Test func stoppingIntakeHandsBackTheQueueAndFinishesWhenNothingRuns() {
        var state = TaskRunnerState(capacity: 1, prefetch: 2)
        for id in ["a", "b", "c"] { _ = state.admit(Self.task(id)) }
        let running = state.nextStep().starts[0]
        state.stopIntake()
        #expect(state.admit(Self.task("d")) == .shuttingDown)
        let step = state.nextStep()
        #expect(step.endedUnrun.map(\.request.taskID) == ["b", "c"])
        #expect(step.endedUnrun.allSatisfy { $0.reason == .handedBack })
        #expect(!step.isFinished, "a task still runs")
        #expect(state.stopAllRunning(reason: .handedBack).isEmpty, "no execution attached yet")
        #expect(state.stop(running.serial, reason: .cancelled) == nil)
        #expect(state.finish(running.serial, runTime: nil) == .handedBack, "the first reason wins")
        #expect(state.nextStep().isFinished)
    }

    @Test func queuedTasksThatMayNotStartAreHandedBack() {
        var state = TaskRunnerState(capacity: 1, prefetch: 3)
        let admitted = ContinuousClock.now
        for id in ["a", "b", "c"] { _ = state.admit(Self.task(id), at: admitted) }
        _ = state.admit(Self.task("d"), at: admitted + .seconds(1))
        let step = state.nextStep { $0.admitted > admitted ? nil : .registrationLapsed }
        #expect(step.endedUnrun.map(\.request.taskID) == ["a", "b", "c"])
        #expect(step.endedUnrun.allSatisfy { $0.reason == .registrationLapsed })
        #expect(step.starts.map(\.request.taskID) == ["d"])
    }

    /// Runs one task for `runTime` so that the state learns how long tasks take.
    private static func runOne(_ state: inout TaskRunnerState, _ id: String, for runTime: Duration) {
        _ = state.admit(task(id))
        let started = state.nextStep().starts[0]
        _ = state.finish(started.serial, runTime: runTime)
    }

    @Test func offersPrefetchPlacesOnlyOnceTasksProvedShort() {
        var state = TaskRunnerState(capacity: 5, prefetch: 80, prefetchBudget: .milliseconds(50))
        #expect(state.offeredPrefetch == 0, "nothing ran yet")
        #expect(state.freeSlots == 5)
        Self.runOne(&state, "a", for: .microseconds(20))
        #expect(state.offeredPrefetch == 80, "50ms of 20µs tasks per slot is more than the limit")
        #expect(state.freeSlots == 85)
    }

    @Test func prefetchHoldsAboutTheBudgetOfWorkPerSlot() {
        var state = TaskRunnerState(capacity: 5, prefetch: 80, prefetchBudget: .milliseconds(50))
        Self.runOne(&state, "a", for: .milliseconds(10))
        #expect(state.offeredPrefetch == 25, "5 tasks of 10ms per slot")
        var long = TaskRunnerState(capacity: 5, prefetch: 80, prefetchBudget: .milliseconds(50))
        Self.runOne(&long, "a", for: .seconds(2))
        #expect(long.offeredPrefetch == 0, "tasks longer than the budget gain nothing from a buffer")
    }

    @Test func aQueueStuckBehindBusySlotsIsHandedBackAndPlacesWithdrawn() {
        var state = TaskRunnerState(capacity: 1, prefetch: 4, prefetchBudget: .milliseconds(50), queueWaitLimit: .seconds(1))
        Self.runOne(&state, "a", for: .milliseconds(1))
        let start = ContinuousClock.Instant.now
        for id in ["b", "c", "d"] { #expect(state.admit(Self.task(id), at: start) == .accepted) }
        let running = state.nextStep().starts[0]
        #expect(state.queueWaitDeadline == start + .seconds(1))
        let early = state.handBackStaleQueue(at: start + .milliseconds(999))
        #expect(!early)
        let late = state.handBackStaleQueue(at: start + .seconds(1))
        #expect(late)
        let step = state.nextStep()
        #expect(step.endedUnrun.map(\.request.taskID) == ["c", "d"])
        #expect(step.endedUnrun.allSatisfy { $0.reason == .waitedTooLong })
        #expect(state.offeredPrefetch == 0 && state.freeSlots == 0)
        #expect(state.admit(Self.task("e")) == .full, "no place beyond the slots while stalled")
        _ = state.finish(running.serial, runTime: .milliseconds(1))
        #expect(state.offeredPrefetch == 4, "a freed slot offers the places again")
    }

    @Test func aQueueIsNotStaleWhileSlotsKeepFreeing() {
        var state = TaskRunnerState(capacity: 1, prefetch: 4, queueWaitLimit: .seconds(1))
        let start = ContinuousClock.Instant.now
        for id in ["a", "b", "c"] { _ = state.admit(Self.task(id), at: start) }
        let first = state.nextStep().starts[0]
        _ = state.finish(first.serial, runTime: .milliseconds(80), at: start + .milliseconds(800))
        _ = state.nextStep()
        #expect(state.queueWaitDeadline == start + .milliseconds(1800), "the wait counts from the freed slot")
        let handedBack = state.handBackStaleQueue(at: start + .milliseconds(1500))
        #expect(!handedBack)
    }

    @Test func theWaitLimitGrowsWithTheTypicalRunTime() {
        var state = TaskRunnerState(capacity: 1, prefetch: 4, queueWaitLimit: .seconds(1))
        let start = ContinuousClock.Instant.now
        for id in ["a", "b", "c"] { _ = state.admit(Self.task(id), at: start) }
        let first = state.nextStep().starts[0]
        _ = state.finish(first.serial, runTime: .milliseconds(300), at: start)
        _ = state.nextStep()
        #expect(state.queueWaitDeadline == start + .seconds(3), "ten typical run times")
    }

    @Test func aQueueIsNeverStaleBeforeATaskRan() {
        var state = TaskRunnerState(capacity: 1, prefetch: 4, queueWaitLimit: .seconds(1))
        let start = ContinuousClock.Instant.now
        for id in ["a", "b"] { _ = state.admit(Self.task(id), at: start) }
        _ = state.nextStep()
        #expect(state.queueWaitDeadline == nil, "nothing says how long tasks take")
    }

    @Test func aQueueIsNotStaleWhileASlotIsFree() {
        var state = TaskRunnerState(capacity: 2, prefetch: 4, queueWaitLimit: .seconds(1))
        let start = ContinuousClock.Instant.now
        _ = state.admit(Self.task("a"), at: start)
        #expect(state.queueWaitDeadline == nil)
        let handedBack = state.handBackStaleQueue(at: start + .seconds(5))
        #expect(!handedBack)
    }
}
