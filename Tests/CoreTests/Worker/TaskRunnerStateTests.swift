import Testing

@testable import Core

@Suite struct TaskRunnerStateTests {
    private static func task(_ id: String) -> TaskRequest {
        TaskRequest(taskID: id, data: "", attempt: 1)
    }

    @Test func admitsUpToCapacityPlusQueueAndStartsOnlyCapacity() {
        var state = TaskRunnerState(capacity: 2, queueLimit: 1)
        #expect(["a", "b", "c"].map { state.admit(Self.task($0)) } == [.accepted, .accepted, .accepted])
        #expect(state.admit(Self.task("d")) == .full)
        #expect(state.freeSlots == 0)
        let step = state.nextStep()
        #expect(step.starts.map(\.request.taskID) == ["a", "b"])
        #expect(state.nextStep().starts.isEmpty, "both slots are taken")
        _ = state.finish(step.starts[0].serial)
        #expect(state.nextStep().starts.map(\.request.taskID) == ["c"])
    }

    @Test func cancelDropsQueuedAttemptsAndMarksRunningOnes() {
        var state = TaskRunnerState(capacity: 1, queueLimit: 2)
        _ = state.admit(Self.task("a"))
        _ = state.admit(Self.task("b"))
        let running = state.nextStep().starts[0]
        #expect(state.cancel(taskID: "b").found)
        #expect(state.nextStep().endedUnrun.map(\.request.taskID) == ["b"])
        #expect(state.cancel(taskID: "a").found)
        #expect(state.attachExecution(running.serial) { Task { .cancelled } } == nil, "a stopped task never runs")
        #expect(state.finish(running.serial) == .cancelled)
        #expect(!state.cancel(taskID: "a").found)
    }

    @Test func stoppingIntakeHandsBackTheQueueAndFinishesWhenNothingRuns() {
        var state = TaskRunnerState(capacity: 1, queueLimit: 2)
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
        #expect(state.finish(running.serial) == .handedBack, "the first reason wins")
        #expect(state.nextStep().isFinished)
    }
}
