import Foundation
import Testing

@testable import Core
@testable import TaskStorage

/// Only the holder of a task's current hand-off changes it, against a real PostgreSQL.
extension TaskStoreDispatchTests {
    @Test func aReportChangesATaskOnlyFromTheHolderOfItsHandOff() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            let task = try await store.scheduleTestTask()
            let claimed = try #require(try await store.claimDueTasks(assigningTo: [7], lease: .seconds(30)).first)
            let forgeries = [
                TaskStatusReport(taskID: task.id, outcome: .completed, workerID: 7, attempt: 1, handoff: UUID()),
                TaskStatusReport(taskID: task.id, outcome: .completed, workerID: 12345, attempt: 1),
                TaskStatusReport(taskID: task.id, outcome: .handedBack, workerID: 1, attempt: 1),
                TaskStatusReport(taskID: task.id, outcome: .completed, workerID: 7, attempt: 2),
                TaskStatusReport(taskID: task.id, outcome: .completed),
                TaskStatusReport(taskID: task.id, outcome: .completed, attempt: 1),
            ]
            for forged in forgeries {
                #expect(try await store.record(forged) == .ignored, "\(forged)")
            }
            #expect(try await store.find(id: task.id)?.status == .dispatched)
            let byIDAndAttempt = TaskStatusReport(taskID: task.id, outcome: .started, workerID: 7, attempt: 1)
            guard case .recorded = try await store.record(byIDAndAttempt) else {
                Issue.record("the holder's report without a token was not recorded")
                return
            }
            guard case .recorded = try await store.record(claimed.report(.completed, output: "mine")) else {
                Issue.record("the holder's report was not recorded")
                return
            }
            #expect(try await store.find(id: task.id)?.output == "mine")
        }
    }

    @Test func aHandOffTheCoordinatorGaveUpOnCanNeverBeRecorded() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            _ = try await store.scheduleTestTask(maxAttempts: 3)
            let abandoned = try #require(try await store.claimDueTasks(assigningTo: [7], lease: .seconds(30)).first)
            try await store.returnToQueue([abandoned])
            let current = try #require(try await store.claimDueTasks(assigningTo: [7], lease: .seconds(30)).first)
            #expect(current.attempt == abandoned.attempt, "a failed hand-off does not count as an attempt")
            #expect(current.handoff != abandoned.handoff)
            #expect(try await store.record(abandoned.report(.completed)) == .ignored)
            guard case .recorded = try await store.record(current.report(.completed)) else {
                Issue.record("the current hand-off's report was not recorded")
                return
            }
        }
    }

    @Test func reportsWithoutAttemptOrWorkerAreTakenOnlyForWorkersOfTheOriginalContract() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            let task = try await store.scheduleTestTask()
            _ = try await store.claimDueTasks(assigningTo: [9], lease: .seconds(30))
            let original = TaskStatusReport(taskID: task.id, outcome: .completed)
            #expect(try await store.record(original, originalContractHolders: [4]) == .ignored)
            guard case .recorded = try await store.record(original, originalContractHolders: [4, 9]) else {
                Issue.record("the original contract's report from the holder was not recorded")
                return
            }
        }
    }

    @Test func aFailedHandOffLeavesATaskThatAnotherWorkerHoldsNow() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            let task = try await store.scheduleTestTask(maxAttempts: 3)
            let stuck = try #require(try await store.claimDueTasks(assigningTo: [7], lease: .seconds(30)).first)
            #expect(try await store.recoverTasks(ofWorker: 7).tasks == 1, "worker 7 missed its heartbeats")
            let moved = try #require(try await store.claimDueTasks(assigningTo: [8], lease: .seconds(30)).first)
            try await store.returnToQueue([stuck])
            let now = try #require(try await store.find(id: task.id))
            #expect(now.status == .dispatched && now.workerID == 8 && now.attempts == moved.attempt)
        }
    }
}
