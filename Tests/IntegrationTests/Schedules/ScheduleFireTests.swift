import Core
import Foundation
import Postgres
import Recurrence
import TaskStorage
import Testing

/// `ScheduleStore.decideDueFires` against PostgreSQL: exactly one task per fire whatever the
/// number of coordinators deciding at once, the catch-up window, and the overlap policies.
@Suite(.timeLimit(.minutes(2))) struct ScheduleFireTests {
    /// Creates a schedule as if it had existed since its `start_at` with no coordinator
    /// running: its next fire not decided is its first.
    private static func create(_ store: ScheduleStore, _ definition: ScheduleDefinition) async throws -> ScheduleRecord {
        let start = try #require(definition.startAt)
        return try await store.create(id: UUID(), definition, createdAt: start, nextFireAt: start)
    }

    /// The nominal times of a schedule's tasks, oldest first.
    private static func fires(of schedule: ScheduleRecord, _ client: PostgresClient) async throws -> [Int64] {
        try await client.query(
            "SELECT \(SQLTimestamp.microseconds(of: "nominal_time")) FROM tasks WHERE schedule_id = $1 ORDER BY nominal_time",
            [schedule.id]
        ).map { try #require(try $0.int64(0)) }
    }

    private static func secondsAgo(_ seconds: Int64) -> Timestamp {
        let now = Timestamp.now().microsecondsSinceEpoch
        return Timestamp(microsecondsSinceEpoch: now - now % 1_000_000 - seconds * 1_000_000)
    }

    @Test func withNoScheduleThereIsNoNextDecisionToWaitFor() async throws {
        try await IsolatedDatabase.withClient { client in
            let store = ScheduleStore(client: client)
            #expect(try await store.timeToNextDecision() == nil, "the materialiser sleeps its longest, not a millisecond")
            let start = Timestamp(microsecondsSinceEpoch: Timestamp.now().microsecondsSinceEpoch + 3_600_000_000)
            _ = try await Self.create(store, ScheduleDefinition(cron: "@every 1h", command: "true", startAt: start))
            let wait = try #require(try await store.timeToNextDecision())
            #expect(wait > .seconds(3500) && wait <= .seconds(3600))
        }
    }

    @Test func eightDecidersAtOnceMakeOneTaskPerFireWithNoGap() async throws {
        try await IsolatedDatabase.withClient { client in
            let store = ScheduleStore(client: client)
            var schedules: [ScheduleRecord] = []
            for index in 0..<40 {
                schedules.append(
                    try await Self.create(
                        store,
                        ScheduleDefinition(
                            cron: "@every 1s", command: "echo \(index)", overlap: .allow, startAt: Self.secondsAgo(20))))
            }
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        var created = 0
                        for _ in 0..<50 {
                            let round = try await store.decideDueFires(limit: 7)
                            created += round.created
                            if round.schedules == 0 { break }
                        }
                        return created
                    }
                }
                try await group.waitForAll()
            }
            for schedule in schedules {
                let fires = try await Self.fires(of: schedule, client)
                let start = try #require(schedule.definition.startAt).microsecondsSinceEpoch
                #expect(fires.count >= 20)
                #expect(fires == (0..<Int64(fires.count)).map { start + $0 * 1_000_000 }, "one task per fire, in order")
                let stored = try #require(try await store.find(id: schedule.id))
                #expect(stored.counts.fired == Int64(fires.count))
                #expect(stored.lastFireAt?.microsecondsSinceEpoch == fires.last)
                #expect(stored.nextFireAt?.microsecondsSinceEpoch == (fires.last ?? 0) + 1_000_000)
            }
        }
    }

    @Test func firesBeyondTheCatchUpWindowAreMissedAndCounted() async throws {
        try await IsolatedDatabase.withClient { client in
            let store = ScheduleStore(client: client)
            let schedule = try await Self.create(
                store,
                ScheduleDefinition(
                    cron: "@every 10s", command: "true", overlap: .allow, catchupWindowSeconds: 30,
                    startAt: Self.secondsAgo(200)))
            let round = try await store.decideDueFires(limit: 10)
            // Fires 170 s to 200 s ago run (one more if the next is within the lookahead).
            #expect((3...5).contains(round.created))
            let stored = try #require(try await store.find(id: schedule.id))
            #expect(stored.counts.fired == Int64(round.created))
            #expect((21...22).contains(stored.counts.missed + stored.counts.fired))
            #expect(round.missed.count == Int(stored.counts.missed))
            #expect(round.missed.allSatisfy { $0.scheduleID == schedule.id })
            #expect(try await Self.fires(of: schedule, client).count == Int(stored.counts.fired))
        }
    }

    @Test func skipCountsTheFiresThatComeWhileATaskIsUnfinished() async throws {
        try await IsolatedDatabase.withClient { client in
            let store = ScheduleStore(client: client)
            let schedule = try await Self.create(
                store, ScheduleDefinition(cron: "@every 5s", command: "true", startAt: Self.secondsAgo(12)))
            let first = try await store.decideDueFires(limit: 10)
            #expect(first.created == 1)
            #expect(first.skipped.count == 2)
            let stored = try #require(try await store.find(id: schedule.id))
            #expect(stored.counts == ScheduleCounts(fired: 1, skipped: 2, missed: 0))
            let task = try #require(try await client.query(
                "SELECT status FROM tasks WHERE schedule_id = $1", [schedule.id]).first?.string(0))
            #expect(task == "scheduled")
        }
    }

    @Test func cancelPreviousCancelsTheUnfinishedTask() async throws {
        try await IsolatedDatabase.withClient { client in
            let store = ScheduleStore(client: client)
            let schedule = try await Self.create(
                store,
                ScheduleDefinition(cron: "@every 2s", command: "true", overlap: .cancelPrevious, startAt: Self.secondsAgo(1)))
            #expect(try await store.decideDueFires(limit: 10).created == 1)
            try await Task.sleep(for: .seconds(2))
            #expect(try await store.decideDueFires(limit: 10).created == 1)
            let statuses = try await client.query(
                "SELECT status, last_error FROM tasks WHERE schedule_id = $1 ORDER BY nominal_time", [schedule.id]
            ).map { ($0.string(0), $0.string(1)) }
            #expect(statuses.count == 2)
            #expect(statuses.first?.0 == "cancelled")
            #expect(statuses.first?.1?.contains("cancel_previous") == true)
            #expect(statuses.last?.0 == "scheduled")
        }
    }

    @Test func aPausedScheduleFiresNothing() async throws {
        try await IsolatedDatabase.withClient { client in
            let store = ScheduleStore(client: client)
            let schedule = try await Self.create(
                store, ScheduleDefinition(cron: "@every 1s", command: "true", startAt: Self.secondsAgo(5), paused: true))
            #expect(try await store.decideDueFires(limit: 10).schedules == 0)
            #expect(try await Self.fires(of: schedule, client).isEmpty)
        }
    }

    @Test func aFireThatCannotStartWithinItsWindowIsCancelledAsMissed() async throws {
        try await IsolatedDatabase.withClient { client in
            let store = ScheduleStore(client: client)
            let now = Self.secondsAgo(0)
            let schedule = try await store.create(
                id: UUID(), ScheduleDefinition(cron: "@yearly", command: "true", catchupWindowSeconds: 4), createdAt: now,
                nextFireAt: now)
            #expect(try await store.decideDueFires(limit: 10).created == 1)
            let backfilled = try await store.backfill(
                id: schedule.id, from: try Timestamp(rfc3339: "2020-01-01T00:00:00Z"),
                to: try Timestamp(rfc3339: "2022-01-02T00:00:00Z"), maxFires: 10)
            #expect(backfilled == 3)
            #expect(try await store.cancelExpiredFires().isEmpty, "not expired yet")
            try await Task.sleep(for: .milliseconds(4500))
            let expired = try await store.cancelExpiredFires()
            #expect(expired.map(\.scheduleID) == [schedule.id])
            let rows = try await client.query(
                "SELECT status, last_error FROM tasks WHERE schedule_id = $1 ORDER BY nominal_time DESC", [schedule.id]
            ).map { ($0.string(0), $0.string(1)) }
            #expect(rows.first?.0 == "cancelled")
            #expect(rows.first?.1?.hasPrefix("missed") == true)
            #expect(rows.dropFirst().allSatisfy { $0.0 == "scheduled" }, "backfilled tasks have no window")
            let stored = try #require(try await store.find(id: schedule.id))
            #expect(stored.counts.missed == 1)
            #expect(stored.counts.fired == 4)
        }
    }

    @Test func theNextFireIsDecidedAheadAndWithdrawnWhenTheScheduleIsDeleted() async throws {
        try await IsolatedDatabase.withClient { client in
            let store = ScheduleStore(client: client)
            let soon = Timestamp(microsecondsSinceEpoch: Timestamp.now().microsecondsSinceEpoch + 1_900_000)
            let schedule = try await store.create(
                id: UUID(), ScheduleDefinition(cron: "@hourly", command: "true"), createdAt: .now(), nextFireAt: soon)
            let round = try await store.decideDueFires(limit: 10)
            #expect(round.created == 1, "decided ahead of its time")
            let due = try await client.query(
                "SELECT \(SQLTimestamp.microseconds(of: "scheduled_at")) FROM tasks WHERE schedule_id = $1", [schedule.id]
            ).first?.int64(0)
            #expect(due == soon.microsecondsSinceEpoch, "due at its fire time, not before")
            #expect(try await store.delete(id: schedule.id))
            #expect(try await Self.fires(of: schedule, client).isEmpty, "a deleted schedule fires nothing more")
        }
    }
}
