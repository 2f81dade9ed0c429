import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import APIModels
@testable import Core
@testable import TaskStorage

/// `/queues` and the queue fields of tasks and schedules, through the scheduler's HTTP API.
@Suite(.timeLimit(.minutes(1))) struct QueueAPITests {
    @Test func settingsAreReplacedReadAndListedWithCounts() async throws {
        try await withSchedulerApplication(isolatedDatabase: true) { client, _ in
            for index in 0..<3 {
                let body = #"{"command": "x", "scheduled_at": "2020-01-01T00:00:00Z", "queue": "mail", "concurrency_key": "c\#(index)"}"#
                #expect(try await client.post("/schedule", json: body).status == .ok)
            }
            _ = try await client.schedule(command: "later", at: "2999-01-01T00:00:00Z")
            let put = try await client.execute(
                uri: "/queues/mail", method: .put,
                body: ByteBuffer(string: #"{"concurrency_limit": 2, "rate_limit": {"limit": 100, "period_seconds": 60}}"#)) { $0 }
            #expect(put.status == .ok)
            let queue = try put.jsonObject()
            #expect(queue["name"] as? String == "mail")
            #expect(queue["concurrency_limit"] as? Int == 2)
            #expect(queue["key_concurrency_limit"] is NSNull)
            #expect((queue["rate_limit"] as? [String: Any])?["period_seconds"] as? Int == 60)
            #expect(queue["paused"] as? Bool == false)
            #expect(queue["counts"] as? [String: Int] == ["scheduled": 3, "due": 3, "dispatched": 0, "running": 0])

            let list = try await client.get("/queues").jsonObject()
            let queues = try #require(list["queues"] as? [[String: Any]])
            #expect(queues.map { $0["name"] as? String } == ["default", "mail"])
            #expect((queues[0]["counts"] as? [String: Int])?["scheduled"] == 1)
            #expect((queues[0]["counts"] as? [String: Int])?["due"] == 0)

            let replaced = try await client.execute(uri: "/queues/mail", method: .put, body: ByteBuffer(string: "{}")) { $0 }
            #expect(try replaced.jsonObject()["concurrency_limit"] is NSNull, "a full replacement")
        }
    }

    @Test func pauseAndResumeKeepTheOtherSettings() async throws {
        try await withSchedulerApplication(isolatedDatabase: true) { client, _ in
            _ = try await client.execute(
                uri: "/queues/reports", method: .put, body: ByteBuffer(string: #"{"key_concurrency_limit": 1}"#)) { $0 }
            let paused = try await client.post("/queues/reports/pause", json: "")
            #expect(paused.status == .ok)
            #expect(try paused.jsonObject()["paused"] as? Bool == true)
            #expect(try paused.jsonObject()["key_concurrency_limit"] as? Int == 1)
            let shown = try await client.get("/queues/reports").jsonObject()
            #expect(shown["paused"] as? Bool == true)
            let resumed = try await client.post("/queues/reports/resume", json: "").jsonObject()
            #expect(resumed["paused"] as? Bool == false && resumed["key_concurrency_limit"] as? Int == 1)
            let fresh = try await client.post("/queues/brand-new/pause", json: "").jsonObject()
            #expect(fresh["paused"] as? Bool == true, "a queue without settings can be paused")
        }
    }

    @Test func badNamesSettingsAndUnknownQueuesAreClearErrors() async throws {
        try await withSchedulerApplication(isolatedDatabase: true) { client, database in
            try await client.get("/queues/nothing-here").expectAPIError(.notFound, "not_found")
            let badName = try await client.execute(uri: "/queues/a%20b", method: .put, body: ByteBuffer(string: "{}")) { $0 }
            #expect(try badName.expectAPIError(.badRequest, "invalid_field").contains("queue name"))
            let tooLong = String(repeating: "q", count: 65)
            try await client.post("/queues/\(tooLong)/pause", json: "").expectAPIError(.badRequest, "invalid_field")
            for body in [#"{"concurrency_limit": 0}"#, #"{"concurrency_limit": "2"}"#, #"{"speed": 1}"#, "[]"] {
                let response = try await client.execute(uri: "/queues/q", method: .put, body: ByteBuffer(string: body)) { $0 }
                try response.expectAPIError(.badRequest, "invalid_field")
            }
            try await client.execute(uri: "/queues/q", method: .put, body: ByteBuffer(string: "{")) { $0 }
                .expectAPIError(.badRequest, "invalid_json")
            #expect(try await database.query("SELECT count(*) FROM queues").first?.int(0) == 0, "nothing stored")
        }
    }

    @Test func tasksAndSchedulesCarryTheirQueuePriorityAndKey() async throws {
        try await withSchedulerApplication(isolatedDatabase: true) { client, _ in
            let created = try await client.post(
                "/schedule", json: #"{"command": "x", "scheduled_at": "2999-01-01T00:00:00Z", "queue": "q1", "priority": 7, "concurrency_key": "k"}"#)
            let id = try #require(try created.jsonObject()["task_id"] as? String)
            let task = try await client.get("/tasks/\(id)").jsonObject()
            #expect(task["queue"] as? String == "q1" && task["priority"] as? Int == 7 && task["concurrency_key"] as? String == "k")
            try await client.post("/schedule", json: #"{"command": "x", "scheduled_at": "2999-01-01T00:00:00Z", "priority": 200}"#)
                .expectAPIError(.badRequest, "invalid_field")
            let batch = try await client.post(
                "/schedule/batch",
                json: #"[{"command": "a", "scheduled_at": "2999-01-01T00:00:00Z", "queue": "ok"}, {"command": "b", "scheduled_at": "2999-01-01T00:00:00Z", "queue": "not ok"}]"#)
            let message = try batch.expectAPIError(.badRequest, "invalid_field")
            #expect(message.contains("queue"))
            let schedule = try await client.post(
                "/schedules", json: #"{"cron": "0 0 1 1 *", "command": "x", "queue": "nightly", "priority": -3, "concurrency_key": "report"}"#)
            #expect(schedule.status == .created)
            let body = try schedule.jsonObject()
            #expect(body["queue"] as? String == "nightly" && body["priority"] as? Int == -3 && body["concurrency_key"] as? String == "report")
            let scheduleID = try #require(body["schedule_id"] as? String)
            let fired = try await client.post("/schedules/\(scheduleID)/trigger", json: "").jsonObject()
            #expect(fired["queue"] as? String == "nightly" && fired["priority"] as? Int == -3 && fired["concurrency_key"] as? String == "report")
            let patched = try await client.execute(
                uri: "/schedules/\(scheduleID)", method: .patch, body: ByteBuffer(string: #"{"queue": "weekly"}"#)) { $0 }
            #expect(try patched.jsonObject()["queue"] as? String == "weekly")
        }
    }
}
