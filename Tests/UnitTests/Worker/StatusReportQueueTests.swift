import Testing

@testable import Core
@testable import RPC
@testable import WorkerService

@Suite struct StatusReportQueueTests {
    private let task = TaskRequest(taskID: "t", data: "x", attempt: 2)

    @Test func aFinalReportTakesTheWaitingStartedReportsPlaceWithItsStartTime() {
        var queue = StatusReportQueue()
        queue.append(.started(task, workerID: 1, atMicroseconds: 1_500_000))
        queue.append(.started(TaskRequest(taskID: "other", data: "x", attempt: 1), workerID: 1, atMicroseconds: 1_600_000))
        queue.append(.finished(task, workerID: 1, outcome: ExecutionOutcome(succeeded: true), atMicroseconds: 2_000_000))
        #expect(queue.pending.map(\.taskID) == ["t", "other"])
        let merged = queue.pending[0]
        #expect(merged.status == .complete && merged.completedAtMicros == 2_000_000)
        #expect(merged.startedAtMicros == 1_500_000 && merged.startedAt == 1)
    }

    @Test func reportsOfAnotherAttemptOrAlreadyTakenAreNotMerged() {
        var queue = StatusReportQueue()
        queue.append(.started(task, workerID: 1, atMicroseconds: 1))
        #expect(queue.take(limit: 10, textBudget: 100).map(\.status) == [.started])
        queue.append(.finished(task, workerID: 1, outcome: ExecutionOutcome(succeeded: true), atMicroseconds: 2))
        queue.append(.started(TaskRequest(taskID: "t", data: "x", attempt: 3), workerID: 1, atMicroseconds: 3))
        queue.append(.handedBack(task, workerID: 1))
        #expect(queue.pending.map(\.status) == [.complete, .started, .queued])
    }

    @Test func aHandedBackAttemptDropsItsStart() {
        var queue = StatusReportQueue()
        queue.append(.started(task, workerID: 1, atMicroseconds: 1_000_000))
        queue.append(.handedBack(task, workerID: 1))
        #expect(queue.pending.count == 1)
        #expect(queue.pending[0].status == .queued && queue.pending[0].startedAtMicros == 0)
    }

    @Test func takeHonoursTheCountAndTheTextBudget() {
        var queue = StatusReportQueue()
        for index in 0..<5 {
            let request = TaskRequest(taskID: "t\(index)", data: "x", attempt: 1)
            queue.append(.finished(request, workerID: 1, outcome: ExecutionOutcome(succeeded: true, output: CapturedOutput(text: String(repeating: "o", count: 40), byteCount: 40, isTruncated: false)), atMicroseconds: 1))
        }
        #expect(queue.take(limit: 3, textBudget: 1000).map(\.taskID) == ["t0", "t1", "t2"])
        #expect(queue.take(limit: 10, textBudget: 50).map(\.taskID) == ["t3"], "a second report would pass the budget")
        #expect(queue.take(limit: 10, textBudget: 10).map(\.taskID) == ["t4"], "one report alone always goes")
        #expect(queue.isEmpty)
    }

    @Test func itCountsTheTextItHolds() {
        var queue = StatusReportQueue()
        queue.append(UpdateTaskStatusRequest(taskID: "a", status: .started, attempt: 1))
        queue.append(UpdateTaskStatusRequest(taskID: "b", status: .failed, attempt: 1, output: "12345", error: "boom"))
        queue.append(UpdateTaskStatusRequest(taskID: "a", status: .complete, attempt: 1, output: "xy"))
        #expect(queue.count == 2 && queue.textBytes == 11, "the final report took the STARTED report's place")
        #expect(queue.take(limit: 1, textBudget: .max).map(\.taskID) == ["a"], "in the STARTED report's place")
        #expect(queue.textBytes == 9)
        _ = queue.take(limit: 5, textBudget: .max)
        #expect(queue.textBytes == 0 && queue.isEmpty)
    }
}
