import Core
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /summary`: unfinished tasks by state, and what finished in each interval of the window.
@Suite(.timeLimit(.minutes(1))) struct SummaryAPITests {
    @Test func countsTheQueueAndTheTasksThatFinishedByInterval() async throws {
        try await withSchedulerApplication(isolatedDatabase: true) { client, database in
            try await database.query(
                """
                INSERT INTO tasks (id, command, scheduled_at, status, attempts, max_attempts, started_at, completed_at, failed_at, updated_at)
                SELECT gen_random_uuid(), 'echo', now() - interval '1 second', 'completed', 1, 1,
                    now() - interval '1 second' + n * interval '10 milliseconds', now(), NULL, now()
                FROM generate_series(1, 10) AS n
                UNION ALL SELECT gen_random_uuid(), 'exit 3', now() - interval '1 second', 'failed', 1, 1,
                    now() - interval '1 second' + interval '200 milliseconds', NULL, now(), now()
                UNION ALL SELECT gen_random_uuid(), 'echo', now() - interval '1 second', 'completed', 1, 1,
                    now() - interval '1 second', now() - interval '1 hour', NULL, now() - interval '1 hour'
                UNION ALL SELECT gen_random_uuid(), 'echo', now() - interval '1 minute', 'scheduled', 0, 1, NULL, NULL, NULL, now()
                UNION ALL SELECT gen_random_uuid(), 'echo', now() + interval '1 hour', 'scheduled', 0, 1, NULL, NULL, NULL, now()
                UNION ALL SELECT gen_random_uuid(), 'echo', now() - interval '1 second', 'running', 1, 1, now(), NULL, NULL, now()
                """)
            let summary = try await client.get("/summary").jsonObject()
            let tasks = try #require(summary["tasks"] as? [String: Int])
            #expect(tasks == ["scheduled": 2, "due": 1, "dispatched": 0, "running": 1])
            let finished = try #require(summary["finished"] as? [String: Int])
            #expect(finished == ["completed": 10, "failed": 1, "cancelled": 0], "the task that ended an hour ago is outside the window")
            #expect(summary["window_seconds"] as? Int == 300)
            #expect(summary["interval_seconds"] as? Int == 10)
            let intervals = try #require(summary["intervals"] as? [[String: Any]])
            #expect(intervals.count == 30)
            // The tasks ended together, in the last interval, or the one before when the summary's
            // reading came just after an interval began.
            let busy = intervals.indices.filter { (intervals[$0]["completed"] as? Int ?? 0) > 0 }
            #expect(busy.count == 1 && busy.first.map { $0 >= 28 } == true, "\(busy)")
            let ended = try #require(busy.first.map { intervals[$0] })
            #expect(ended["completed"] as? Int == 10 && ended["failed"] as? Int == 1)
            let median = try #require(ended["start_delay_p50_ms"] as? Double)
            #expect(abs(median - 60) < 1, "delays 10…100 ms and 200 ms: the median is 60 ms")
            #expect(abs(try #require(ended["start_delay_max_ms"] as? Double) - 200) < 1)
            #expect(intervals.filter { $0["start_delay_p50_ms"] != nil }.count == 1)
            let starts = try intervals.map { try #require(Timestamp(field: $0["start"])).microsecondsSinceEpoch }
            #expect(zip(starts, starts.dropFirst()).allSatisfy { $1 - $0 == 10_000_000 })
            let generated = try #require(Timestamp(field: summary["generated_at"])).microsecondsSinceEpoch
            #expect(starts[29] <= generated && generated < starts[29] + 10_000_000, "the last interval holds now")
        }
    }

    @Test func delaysAreGivenToTheMicrosecond() async throws {
        try await withSchedulerApplication(isolatedDatabase: true) { client, database in
            try await database.query(
                """
                INSERT INTO tasks (command, scheduled_at, status, attempts, max_attempts, started_at, completed_at, updated_at)
                VALUES ('echo', now() - interval '1 second', 'completed', 1, 1,
                    now() - interval '1 second' + interval '6214 microseconds', now(), now())
                """)
            let body = String(buffer: try await client.get("/summary").body)
            for name in ["start_delay_p50_ms", "start_delay_p95_ms", "start_delay_max_ms"] {
                #expect(body.contains("\"\(name)\":6.214"), "\(name) in \(body)")
            }
        }
    }
}
