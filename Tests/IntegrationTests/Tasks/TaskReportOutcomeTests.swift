import Testing

@testable import Core
@testable import TaskStorage

/// What recording a worker's report tells the coordinator's metrics: the start delay of a
/// first STARTED report, and whether a failure was put back in the queue.
@Suite(.timeLimit(.minutes(1))) struct TaskReportOutcomeTests {
    @Test func startDelayRetryAndFinalFailure() async throws {
        try await IsolatedDatabase.withClient { client in
            let store = TaskStore(client: client)
            let due = Timestamp.now().advanced(bySeconds: -2)
            let task = try await store.schedule(NewTask(command: "x", scheduledAt: due, maxAttempts: 2)).record
            let claimed = try #require(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).first)
            #expect(claimed.id == task.id)

            let started = Timestamp.now()
            let first = try await store.record(claimed.report(.started, time: started))
            guard case .recorded(_, false, let delay?, _) = first else {
                Issue.record("expected a start delay, got \(first)")
                return
            }
            let expected = Duration.microseconds(started.microsecondsSinceEpoch - due.microsecondsSinceEpoch)
            #expect(delay == expected)

            let repeated = try await store.record(claimed.report(.started, time: started))
            #expect(repeated == .ignored, "a STARTED report sent again changes nothing, nor counts the start twice")

            let retried = try await store.record(claimed.report(.failed))
            #expect(retried == .recorded(workerID: nil, requeued: true, startDelay: nil))

            try await client.query("UPDATE tasks SET next_attempt_at = now() WHERE id = $1", [task.id])
            let second = try #require(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).first)
            #expect(second.attempt == 2)
            let final = try await store.record(second.report(.failed))
            #expect(final == .recorded(workerID: nil, requeued: false, startDelay: nil))
        }
    }

    @Test func dueTasksAreCounted() async throws {
        try await IsolatedDatabase.withClient { client in
            let store = TaskStore(client: client)
            #expect(try await store.countDueTasks() == 0)
            for offset in [-5.0, -1.0, 3600.0] {
                _ = try await store.schedule(NewTask(command: "x", scheduledAt: Timestamp.now().advanced(bySeconds: offset)))
            }
            #expect(try await store.countDueTasks() == 2)
            _ = try await store.claimDueTasks(limit: 1, lease: .seconds(30))
            #expect(try await store.countDueTasks() == 1)
        }
    }
}
