import Foundation
import Recurrence
import Testing

@testable import Core
@testable import TaskStorage
@testable import TracePropagation

/// A task's W3C trace context in PostgreSQL: stored with the task, handed out by the claim that
/// takes it, and copied from a schedule into the tasks it makes.
@Suite(.timeLimit(.minutes(1))) struct TraceContextStorageTests {
    static let context = TaskTraceContext(
        traceParent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", traceState: "rojo=00f067aa0ba902b7")!

    @Test func theClaimReturnsTheTraceContextTheTaskWasStoredWith() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            let traced = try await store.schedule(
                NewTask(command: "x", scheduledAt: .now().advanced(bySeconds: -2), traceContext: Self.context)
            ).record
            let untraced = try await store.scheduleTestTask()
            #expect(traced.traceContext == Self.context)
            #expect(try await store.find(id: traced.id)?.traceContext?.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")

            let claimed = try await store.claimDueTasks(limit: 10, lease: .seconds(30))
            #expect(claimed.map(\.id) == [traced.id, untraced.id])
            #expect(claimed.map(\.traceContext) == [Self.context, nil])
        }
    }

    @Test func aFinalReportKeepsTheAttemptsSpanForTheNextAttemptsClaim() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            let task = try await store.schedule(
                NewTask(command: "x", scheduledAt: .now().advanced(bySeconds: -2), maxAttempts: 3, traceContext: Self.context)
            ).record
            let first = try #require(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).first)
            #expect(first.previousAttempt == nil, "a first attempt follows no other")
            let attemptSpan = "00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01"
            for (outcome, span) in [(TaskStatusReport.Outcome.started, "00-4bf92f3577b34da6a3ce929d0e0e4736-2222222222222222-01"), (.failed, attemptSpan)] {
                let result = try await store.record(
                    TaskStatusReport(taskID: task.id, outcome: outcome, handoff: first.handoff, error: "boom", attemptTraceParent: span))
                #expect(result != .ignored && result != .notFound)
            }
            try await store.client.query("UPDATE tasks SET next_attempt_at = now() WHERE id = $1", [task.id])
            let second = try #require(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).first)
            #expect(second.attempt == 2 && second.traceContext == Self.context)
            #expect(second.previousAttempt?.traceParent == attemptSpan, "the final report's span, not the start's")
        }
    }

    @Test func aScheduleGivesItsTraceContextToEveryTaskItMakes() async throws {
        try await IsolatedDatabase.withClient { client in
            let schedules = ScheduleStore(client: client)
            let now = Timestamp.now().microsecondsSinceEpoch
            let start = Timestamp(microsecondsSinceEpoch: now - now % 1_000_000 - 3_000_000)
            let schedule = try await schedules.create(
                id: UUID(), ScheduleDefinition(cron: "@every 1s", command: "true", overlap: .allow, startAt: start),
                createdAt: start, nextFireAt: start, traceContext: Self.context)
            #expect(try await schedules.find(id: schedule.id)?.traceContext == Self.context)
            #expect(try await schedules.decideDueFires(limit: 10).created >= 3)
            let triggered = try #require(try await schedules.trigger(id: schedule.id))
            #expect(triggered.traceContext == Self.context)

            let tasks = try await TaskStore(client: client).claimDueTasks(limit: 100, lease: .seconds(30))
            #expect(tasks.count >= 4)
            #expect(tasks.allSatisfy { $0.traceContext == Self.context })
        }
    }
}
