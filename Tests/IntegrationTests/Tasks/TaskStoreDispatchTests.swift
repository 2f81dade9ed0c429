import Foundation
import Testing

@testable import Core
@testable import TaskStorage

/// The coordinator's SQL against a real PostgreSQL, each test on a database of its own so claims
/// never see another test's tasks.
@Suite struct TaskStoreDispatchTests {
    @Test func claimsOnlyDueTasksOldestFirstAndNeverTwice() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            let later = try await store.scheduleTestTask(in: 3600)
            let old = try await store.scheduleTestTask(in: -10)
            let recent = try await store.scheduleTestTask(in: -1)
            let claimed = try await store.claimDueTasks(limit: 10, lease: .seconds(30))
            #expect(claimed.map(\.id) == [old.id, recent.id])
            #expect(claimed.allSatisfy { $0.attempt == 1 })
            #expect(try await store.claimDueTasks(limit: 10, lease: .seconds(30)).isEmpty)
            let waiting = try #require(try await store.find(id: later.id))
            #expect(waiting.status == .scheduled && waiting.pickedAt == nil)
            let next = try #require(try await store.timeUntilNextDueTask())
            #expect(next > .seconds(3500) && next <= .seconds(3600))
        }
    }

    @Test func concurrentClaimsNeverShareATask() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            for _ in 0..<200 { _ = try await store.scheduleTestTask() }
            let batches = try await withThrowingTaskGroup(of: [ClaimedTask].self) { group in
                for _ in 0..<4 { group.addTask { try await store.claimDueTasks(limit: 80, lease: .seconds(30)) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let ids = batches.flatMap { $0.map(\.id) }
            #expect(ids.count == 200)
            #expect(Set(ids).count == 200)
        }
    }

    @Test func aReportFromAStaleAttemptChangesNothing() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            let task = try await store.scheduleTestTask(maxAttempts: 3)
            let first = try #require(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).first)
            #expect(first.attempt == 1)
            try await client.query("UPDATE tasks SET lease_expires_at = now() - interval '1 second'")
            #expect(try await store.recoverExpiredLeases() == 1)
            let second = try #require(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).first)
            #expect(second.attempt == 2)

            #expect(try await store.record(first.report(.completed)) == .ignored, "the first hand-off is over")
            #expect(try await store.find(id: task.id)?.status == .dispatched)
            let current = second.report(.completed, exitCode: 0)
            let recorded = try await store.record(current)
            guard case .recorded(workerID: nil, requeued: false, startDelay: .some, queue: _) = recorded else {
                Issue.record("the current attempt's report was not recorded as the one that started it: \(recorded)")
                return
            }
            #expect(try await store.find(id: task.id)?.status == .completed)
            #expect(try await store.record(current) == .ignored, "a finished task never changes again")
        }
    }

    @Test func aLostWorkersTasksAreRequeuedAtOnceOrFailedWhenOutOfAttempts() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            let once = try await store.scheduleTestTask(maxAttempts: 1)
            let twice = try await store.scheduleTestTask(maxAttempts: 2)
            #expect(try await store.claimDueTasks(assigningTo: [7, 7, 7], lease: .seconds(30)).map(\.workerID) == [7, 7])
            #expect(try await store.recoverTasks(ofWorker: 8).tasks == 0)
            #expect(try await store.recoverTasks(ofWorker: 7).tasks == 2)

            let failed = try #require(try await store.find(id: once.id))
            #expect(failed.status == .failed && failed.failedAt != nil)
            #expect(failed.lastError?.contains("worker lost") == true)
            let requeued = try #require(try await store.find(id: twice.id))
            #expect(requeued.status == .scheduled && requeued.workerID == nil && requeued.pickedAt == nil)
            #expect(requeued.scheduledAt <= .now(), "due again at once, without backoff")
            #expect(try await store.claimDueTasks(limit: 5, lease: .seconds(30)).map(\.id) == [twice.id])
        }
    }

    /// A stopped worker may still take a hand-off until its deadline: no path puts its task back
    /// in the queue before then, and once one does the task is not due before the deadline.
    @Test func noRecoveryPathReleasesATaskBeforeItsHandOffDeadline() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            let task = try await store.scheduleTestTask(maxAttempts: 3)
            let sent = try await store.claimDueTasks(assigningTo: [7], lease: .seconds(30), handOffDeadline: .seconds(30))
            #expect(sent.map(\.id) == [task.id])
            let lostWorker = try await store.recoverTasks(ofWorker: 7)
            #expect(lostWorker.tasks == 0, "the worker may still take its hand-off")
            let wait = try #require(lostWorker.lastDeadlineIn)
            #expect(wait > .seconds(25) && wait <= .seconds(30), "look again when the deadline passes")
            #expect(try await store.returnToQueue(sent, onlyPastDeadline: true) == 0)
            try await client.query("UPDATE tasks SET lease_expires_at = now() - interval '1 second'")
            #expect(try await store.recoverExpiredLeases() == 0)
            #expect(try await store.find(id: task.id)?.status == .dispatched)

            // Its coordinator is lost: taken back, due at the deadline.
            let lost = UUID()
            try await client.query(
                "UPDATE tasks SET handoff_deadline = now() + interval '2 seconds', coordinator_id = $1", [lost])
            try await client.query(
                "INSERT INTO coordinators (coordinator_id, address, workers, last_heartbeat) VALUES ($1, 'lost:1', 1, now() - interval '1 hour')",
                [lost])
            #expect(try await store.recoverTasksOfLostCoordinators(silentFor: .seconds(5)).tasks == 1)
            #expect(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).isEmpty, "not due before the deadline")
            try await client.query("UPDATE tasks SET next_attempt_at = now() - interval '1 second'")
            #expect(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).map(\.id) == [task.id])
        }
    }

    @Test func failuresBackOffThenFailForGood() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            let task = try await store.scheduleTestTask(maxAttempts: 2)
            let first = try #require(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).first)
            let before = Timestamp.now()
            _ = try await store.record(first.report(.failed, exitCode: 1, error: "exit status 1"))
            let retry = try #require(try await store.find(id: task.id))
            #expect(retry.status == .scheduled && retry.failedAt == nil)
            #expect(retry.scheduledAt == task.scheduledAt, "the time the client asked for is kept")
            let nextAttempt = try #require(retry.nextAttemptAt)
            let backoff = nextAttempt.microsecondsSinceEpoch - before.microsecondsSinceEpoch
            #expect(backoff >= 700_000 && backoff <= 1_400_000, "first backoff is 1 s ± 25%: \(backoff) µs")
            #expect(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).isEmpty, "not due before its backoff")

            try await client.query("UPDATE tasks SET next_attempt_at = now()")
            let last = try #require(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).first)
            #expect(last.attempt == 2)
            _ = try await store.record(last.report(.failed, exitCode: 3, error: "exit status 3"))
            let failed = try #require(try await store.find(id: task.id))
            #expect(failed.status == .failed && failed.failedAt != nil && failed.attempts == 2)
            #expect(failed.exitCode == 3 && failed.lastError == "exit status 3")
        }
    }

    @Test func aHandedBackTaskIsDueAgainAndItsAttemptDoesNotCount() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            let task = try await store.scheduleTestTask(maxAttempts: 1)
            let claimed = try #require(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).first)
            #expect(try await store.record(claimed.report(.handedBack)) == .recorded(workerID: nil))
            let back = try #require(try await store.find(id: task.id))
            #expect(back.status == .scheduled && back.attempts == 0)
            #expect(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).first?.attempt == 1)
        }
    }

    @Test func heartbeatsRenewLeasesOfHeldTasksOnly() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            for _ in 0..<2 { _ = try await store.scheduleTestTask(maxAttempts: 2) }
            let claimed = try await store.claimDueTasks(assigningTo: [7, 7], lease: .milliseconds(1))
            try await store.renewLeases(of: [claimed[0].id], heldBy: 7, lease: .seconds(60))
            try await Task.sleep(for: .milliseconds(20))
            #expect(try await store.recoverExpiredLeases() == 1)
            let states = try await client.query("SELECT status FROM tasks ORDER BY status").map { $0.string(0) }
            #expect(states == ["dispatched", "scheduled"])
        }
    }

    @Test func onlyLeasesPastHalfTheirTimeAreRewritten() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            _ = try await store.scheduleTestTask()
            let task = try #require(try await store.claimDueTasks(assigningTo: [7], lease: .seconds(60)).first)
            let lease = { try await client.query("SELECT lease_expires_at::text FROM tasks").first?.string(0) }
            let claimed = try await lease()
            try await store.renewLeases(of: [task.id], heldBy: 7, lease: .seconds(60))
            #expect(try await lease() == claimed, "a lease with most of its time left is not written")
            try await store.renewLeases(of: [task.id], heldBy: 7, lease: .seconds(600))
            #expect(try await lease() != claimed)
        }
    }
}
