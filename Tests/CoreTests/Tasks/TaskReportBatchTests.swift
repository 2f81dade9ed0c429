import Foundation
import Testing

@testable import Core

/// Reports applied many at a time, against a real PostgreSQL.
extension TaskStoreDispatchTests {
    @Test func oneBatchAppliesEveryKindOfReportAndSaysWhatEachDid() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            let started = try await store.scheduleTestTask()
            let completed = try await store.scheduleTestTask()
            let retried = try await store.scheduleTestTask(maxAttempts: 2)
            let handedBack = try await store.scheduleTestTask()
            let finished = try await store.scheduleTestTask()
            #expect(try await store.claimDueTasks(limit: 10, lease: .seconds(30)).count == 5)
            _ = try await store.record(TaskStatusReport(taskID: finished.id, outcome: .completed, attempt: 1))
            let startTime = Timestamp.now()
            let results = try await store.record([
                TaskStatusReport(taskID: started.id, outcome: .started, time: startTime, workerID: 3, attempt: 1),
                TaskStatusReport(taskID: completed.id, outcome: .completed, startTime: startTime, workerID: 3, attempt: 1, exitCode: 0),
                TaskStatusReport(taskID: retried.id, outcome: .failed, workerID: 3, attempt: 1, exitCode: 2, error: "exit status 2"),
                TaskStatusReport(taskID: handedBack.id, outcome: .handedBack, workerID: 3, attempt: 1),
                TaskStatusReport(taskID: UUID(), outcome: .completed, attempt: 1),
                TaskStatusReport(taskID: finished.id, outcome: .completed, attempt: 1),
                TaskStatusReport(taskID: started.id, outcome: .completed, workerID: 3, attempt: 1, exitCode: 0, output: "done"),
            ])
            #expect(results.count == 7)
            guard case .recorded(workerID: 3, requeued: false, startDelay: .some) = results[0],
                case .recorded(workerID: 3, requeued: false, startDelay: .some) = results[1],
                case .recorded(workerID: 3, requeued: true, startDelay: nil) = results[2],
                case .recorded(workerID: nil, requeued: false, startDelay: nil) = results[3],
                case .recorded(workerID: 3, requeued: false, startDelay: nil) = results[6]
            else {
                Issue.record("unexpected results \(results)")
                return
            }
            #expect(results[4] == .notFound)
            #expect(results[5] == .ignored)

            let first = try #require(try await store.find(id: started.id))
            #expect(first.status == .completed && first.output == "done", "the later report of the batch applied last")
            #expect(first.startedAt == startTime)
            let second = try #require(try await store.find(id: completed.id))
            #expect(second.status == .completed && second.startedAt == startTime)
            let third = try #require(try await store.find(id: retried.id))
            #expect(third.status == .scheduled && third.attempts == 1 && third.lastError == "exit status 2")
            let fourth = try #require(try await store.find(id: handedBack.id))
            #expect(fourth.status == .scheduled && fourth.attempts == 0 && fourth.workerID == nil)
        }
    }

    @Test func interleavedBatchesRecordEachTaskOnce() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            var ids: [UUID] = []
            for _ in 0..<200 { ids.append(try await store.scheduleTestTask().id) }
            #expect(try await store.claimDueTasks(limit: 500, lease: .seconds(30)).count == 200)
            // Every task is reported complete by two of eight concurrent batches.
            let batches = (0..<8).map { batch in
                ids.enumerated().filter { $0.offset % 4 == batch % 4 }.map {
                    TaskStatusReport(taskID: $0.element, outcome: .completed, workerID: UInt32(batch), attempt: 1, exitCode: 0)
                }
            }
            let results = try await withThrowingTaskGroup(of: [TaskStatusReportResult].self) { group in
                for batch in batches { group.addTask { try await store.record(batch) } }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(results.count == 400)
            #expect(results.filter { if case .recorded = $0 { true } else { false } }.count == 200)
            #expect(results.filter { $0 == .ignored }.count == 200)
            let counts = try await store.client.query("SELECT count(*) FILTER (WHERE status = 'completed'), sum(attempts) FROM tasks")
            #expect(try counts.first?.int(0) == 200 && counts.first?.int(1) == 200)
        }
    }
}
