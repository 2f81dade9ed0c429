import Foundation
import Testing

@testable import Core
@testable import TaskStorage

/// Reports applied many at a time, against a real PostgreSQL.
extension TaskStoreDispatchTests {
    @Test func oneBatchAppliesEveryKindOfReportAndSaysWhatEachDid() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            let started = try await store.scheduleTestTask()
            let completed = try await store.scheduleTestTask()
            let retried = try await store.scheduleTestTask(maxAttempts: 2)
            let handedBack = try await store.scheduleTestTask()
            let finished = try await store.scheduleTestTask()
            let claims = try await store.claimDueTasks(assigningTo: [3, 3, 3, 3, 3], lease: .seconds(30))
            #expect(claims.count == 5)
            let claim = Dictionary(uniqueKeysWithValues: claims.map { ($0.id, $0) })
            func held(_ task: TaskRecord) throws -> ClaimedTask { try #require(claim[task.id]) }
            _ = try await store.record(try held(finished).report(.completed))
            let startTime = Timestamp.now()
            let results = try await store.record([
                try held(started).report(.started, time: startTime),
                try held(completed).report(.completed, startTime: startTime, exitCode: 0),
                try held(retried).report(.failed, exitCode: 2, error: "exit status 2"),
                try held(handedBack).report(.handedBack),
                TaskStatusReport(taskID: UUID(), outcome: .completed, workerID: 3, attempt: 1),
                try held(finished).report(.completed),
                try held(started).report(.completed, exitCode: 0, output: "done"),
            ])
            #expect(results.count == 7)
            guard case .recorded(workerID: 3, requeued: false, startDelay: .some, queue: _) = results[0],
                case .recorded(workerID: 3, requeued: false, startDelay: .some, queue: _) = results[1],
                case .recorded(workerID: 3, requeued: true, startDelay: nil, queue: _) = results[2],
                case .recorded(workerID: nil, requeued: false, startDelay: nil, queue: _) = results[3],
                case .recorded(workerID: 3, requeued: false, startDelay: nil, queue: _) = results[6]
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
            let claims = Dictionary(
                uniqueKeysWithValues: try await store.claimDueTasks(limit: 500, lease: .seconds(30)).map { ($0.id, $0) })
            #expect(claims.count == 200)
            // Every task is reported complete by two of eight concurrent batches.
            let batches = try (0..<8).map { batch in
                try ids.enumerated().filter { $0.offset % 4 == batch % 4 }.map {
                    try #require(claims[$0.element]).report(.completed, exitCode: 0)
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
