import Core
import TaskStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The HTTP API end to end against a real PostgreSQL.
@Suite(.timeLimit(.minutes(1))) struct SchedulerAPITests {
    @Test func scheduleThenStatusRoundTrip() async throws {
        try await withSchedulerApplication { client, _ in
            let scheduled = try await client.post(
                "/schedule",
                json: #"{"command": "echo hello", "scheduled_at": "2023-12-25T22:34:00+05:30"}"#,
                headers: [.contentType: "application/x-www-form-urlencoded"]
            )
            #expect(scheduled.status == .ok)
            let created = try scheduled.jsonObject()
            #expect(Set(created.keys) == ["task_id", "command", "scheduled_at", "status", "max_attempts", "queue", "priority"])
            let taskID = try #require(created["task_id"] as? String)
            #expect(UUID(uuidString: taskID) != nil)
            #expect(taskID == taskID.lowercased())
            #expect(created["command"] as? String == "echo hello")
            #expect(created["scheduled_at"] as? String == "2023-12-25T17:04:00.000Z")
            #expect(created["status"] as? String == "scheduled")
            #expect(created["max_attempts"] as? Int == 1)

            let status = try await client.get("/status?task_id=\(taskID)")
            #expect(status.status == .ok)
            let task = try status.jsonObject()
            #expect(Set(task.keys) == ["task_id", "command", "scheduled_at", "status", "attempts", "max_attempts", "queue", "priority"])
            #expect(task["task_id"] as? String == taskID)
            #expect(task["command"] as? String == "echo hello")
            #expect(task["scheduled_at"] as? String == "2023-12-25T17:04:00.000Z")
            #expect(task["status"] as? String == "scheduled")
            #expect(task["attempts"] as? Int == 0)
            #expect(task["max_attempts"] as? Int == 1)
        }
    }

    @Test func keepsOptionalFieldsMicrosecondsAndTheCommandVerbatim() async throws {
        try await withSchedulerApplication { client, database in
            let response = try await client.post(
                "/schedule",
                json: #"{"command": "printf '%s\\n' \"h\u00e9\" / 日本", "scheduled_at": "2030-01-02T03:04:05.123456-07:00", "max_attempts": 5, "timeout_seconds": 30}"#
            )
            let created = try response.jsonObject()
            #expect(created["max_attempts"] as? Int == 5)
            #expect(created["scheduled_at"] as? String == "2030-01-02T10:04:05.123Z")
            let taskID = try #require(created["task_id"] as? String)

            let task = try await client.get("/status?task_id=\(taskID.uppercased())").jsonObject()
            #expect(task["command"] as? String == #"printf '%s\n' "hé" / 日本"#)
            #expect(task["timeout_seconds"] as? Int == 30)
            #expect(task["max_attempts"] as? Int == 5)

            let id = try #require(UUID(uuidString: taskID))
            let stored = try await database.query(
                "SELECT (extract(epoch from scheduled_at) * 1000000)::int8 FROM tasks WHERE id = $1",
                [id]
            )
            let expected = try Timestamp(rfc3339: "2030-01-02T10:04:05.123456Z").microsecondsSinceEpoch
            #expect(try stored.first?.int64(0) == expected)
        }
    }

    @Test func statusShowsEveryFieldOnceSet() async throws {
        try await withSchedulerApplication { client, database in
            let taskID = try await client.schedule()
            let id = try #require(UUID(uuidString: taskID))
            _ = try await database.query(
                """
                UPDATE tasks SET status = 'failed', attempts = 2,
                    picked_at = '2023-12-25T17:04:00.001Z', started_at = '2023-12-25T17:04:00.0025Z',
                    completed_at = '2023-12-25T17:04:01Z', failed_at = '2023-12-25T17:04:02.999999Z',
                    worker_id = 4294967295, exit_code = -1, output = 'last lines', last_error = 'exit status 1'
                WHERE id = $1
                """,
                [id]
            )
            let task = try await client.get("/status?task_id=\(taskID)").jsonObject()
            #expect(task["picked_at"] as? String == "2023-12-25T17:04:00.001Z")
            #expect(task["started_at"] as? String == "2023-12-25T17:04:00.002Z")
            #expect(task["completed_at"] as? String == "2023-12-25T17:04:01.000Z")
            #expect(task["failed_at"] as? String == "2023-12-25T17:04:02.999Z")
            #expect(task["status"] as? String == "failed")
            #expect(task["attempts"] as? Int == 2)
            #expect(task["worker_id"] as? Int == 4_294_967_295)
            #expect(task["exit_code"] as? Int == -1)
            #expect(task["output"] as? String == "last lines")
            #expect(task["error"] as? String == "exit status 1")
        }
    }

    @Test func statusErrors() async throws {
        try await withSchedulerApplication { client, _ in
            try await client.get("/status").expectAPIError(.badRequest, "invalid_task_id")
            try await client.get("/status?task_id=").expectAPIError(.badRequest, "invalid_task_id")
            try await client.get("/status?id=3f2b8c1e-9d4a-4e7b-8a51-6c0d2e9f1a37").expectAPIError(.badRequest, "invalid_task_id")
            try await client.get("/status?task_id=42").expectAPIError(.badRequest, "invalid_task_id")
            try await client.get("/status?task_id=3f2b8c1e-9d4a-4e7b-8a51-6c0d2e9f1a3").expectAPIError(.badRequest, "invalid_task_id")
            let message = try await client.get("/status?task_id=\(UUID().uuidString)").expectAPIError(.notFound, "not_found")
            #expect(message.hasPrefix("no task with id"))
        }
    }

    @Test func scheduleErrorsThenKeepsServing() async throws {
        try await withSchedulerApplication { client, _ in
            try await client.post("/schedule", json: "{").expectAPIError(.badRequest, "invalid_json")
            try await client.post("/schedule", json: "").expectAPIError(.badRequest, "invalid_field")
            try await client.post("/schedule", json: "[]").expectAPIError(.badRequest, "invalid_field")
            try await client.post("/schedule", json: #"{"command": "x"}"#).expectAPIError(.badRequest, "invalid_field")
            try await client.post("/schedule", json: #"{"command": 1, "scheduled_at": "2023-12-25T17:04:00Z"}"#)
                .expectAPIError(.badRequest, "invalid_field")
            try await client.post("/schedule", json: #"{"command": "x", "scheduled_at": "2023-12-25T17:04:00Z", "max_attempts": 0}"#)
                .expectAPIError(.badRequest, "invalid_field")
            try await client.post("/schedule", json: #"{"command": "a\u0000b", "scheduled_at": "2023-12-25T17:04:00Z"}"#)
                .expectAPIError(.badRequest, "invalid_field")
            let message = try await client.post("/schedule", json: #"{"command": "x", "scheduled_at": "2023-02-30T10:00:00Z"}"#)
                .expectAPIError(.badRequest, "invalid_date")
            #expect(message.contains("RFC 3339"))
            try await client.post("/schedule", json: #"{"command": "x", "scheduled_at": "2023-12-25 17:04:00"}"#)
                .expectAPIError(.badRequest, "invalid_date")

            let taskID = try await client.schedule()
            #expect(try await client.get("/status?task_id=\(taskID)").status == .ok)
        }
    }

    @Test func wrongMethodsGet405WithAllow() async throws {
        try await withSchedulerApplication { client, _ in
            let cases: [(String, HTTPRequest.Method, String)] = [
                ("/schedule", .get, "POST"), ("/schedule", .put, "POST"), ("/schedule", .delete, "POST"),
                ("/status", .post, "GET"), ("/status", .patch, "GET"), ("/healthz", .post, "GET"),
            ]
            for (path, method, allow) in cases {
                let response = try await client.execute(uri: path, method: method) { $0 }
                try response.expectAPIError(.methodNotAllowed, "method_not_allowed")
                #expect(response.headers[.allow] == allow, "\(method) \(path)")
            }
        }
    }

    /// `/` is the dashboard (DashboardServingTests); an unknown address under its prefix is not.
    @Test func unknownPathsGetJSON404() async throws {
        try await withSchedulerApplication { client, _ in
            try await client.get("/ui/no-such-page").expectAPIError(.notFound, "not_found")
            try await client.get("/tasks/1/2").expectAPIError(.notFound, "not_found")
            try await client.post("/schedulex", json: "{}").expectAPIError(.notFound, "not_found")
        }
    }

    @Test func healthz() async throws {
        try await withSchedulerApplication { client, _ in
            let response = try await client.get("/healthz")
            #expect(response.status == .ok)
            #expect(try response.jsonObject() as? [String: String] == ["status": "ok"])
        }
    }

    @Test func oversizedBodiesGet413() async throws {
        let twoMiB = String(repeating: " ", count: 2 << 20)
        try await withSchedulerApplication { client, _ in
            try await client.post("/schedule", json: twoMiB).expectAPIError(.contentTooLarge, "payload_too_large")
        }
        try await withSchedulerApplication(maxBodyBytes: 100) { client, _ in
            let justFits = #"{"command": "x", "scheduled_at": "2023-12-25T17:04:00Z"}"#.padding(toLength: 100, withPad: " ", startingAt: 0)
            #expect(try await client.post("/schedule", json: justFits).status == .ok)
            try await client.post("/schedule", json: justFits + " ").expectAPIError(.contentTooLarge, "payload_too_large")
        }
    }

    @Test func aLiveServerAnswers413AndKeepsTheConnectionServing() async throws {
        let twoMiB = #"{"command": "\#(String(repeating: "a", count: 2 << 20))", "scheduled_at": "2023-12-25T17:04:00Z"}"#
        try await withSchedulerApplication(.live) { client, _ in
            for _ in 0..<2 {
                try await client.post("/schedule", json: twoMiB).expectAPIError(.contentTooLarge, "payload_too_large")
                try await client.post("/schedule", json: "{").expectAPIError(.badRequest, "invalid_json")
                let taskID = try await client.schedule()
                #expect(try await client.get("/status?task_id=\(taskID)").status == .ok)
            }
        }
    }

    @Test func aCancelledTaskSaysWhenItWasCancelled() async throws {
        try await withSchedulerApplication { client, _ in
            let created = try await client.post("/schedule", json: #"{"command": "echo later", "scheduled_at": "2030-01-01T00:00:00Z"}"#)
            let taskID = try #require(created.jsonObject()["task_id"] as? String)
            let before = Timestamp.now()
            let cancelled = try await client.post("/tasks/\(taskID)/cancel", json: "").jsonObject()
            #expect(cancelled["status"] as? String == "cancelled")
            let at = try #require(Timestamp(field: cancelled["cancelled_at"]))
            #expect(at.microsecondsSinceEpoch >= before.microsecondsSinceEpoch - 1_000)
            #expect(try await client.get("/status?task_id=\(taskID)").jsonObject()["cancelled_at"] as? String == cancelled["cancelled_at"] as? String)
        }
    }

    @Test func aRetryKeepsTheRequestedTimeAndShowsItsNextAttempt() async throws {
        try await withSchedulerApplication(isolatedDatabase: true) { client, database in
            let body = #"{"command": "false", "scheduled_at": "2020-01-01T00:00:00Z", "max_attempts": 2}"#
            let key = HTTPFields.Element.Name("Idempotency-Key")!
            let keyValue = UUID().uuidString
            let taskID = try #require(try await client.post("/schedule", json: body, headers: [key: keyValue]).jsonObject()["task_id"] as? String)
            let store = TaskStore(client: database)
            let claimed = try #require(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).first)
            #expect(claimed.id.uuidString.lowercased() == taskID)
            _ = try await store.record(
                TaskStatusReport(
                    taskID: claimed.id, outcome: .failed, attempt: 1, handoff: claimed.handoff, exitCode: 1, error: "exit status 1"))

            let waiting = try await client.get("/status?task_id=\(taskID)").jsonObject()
            #expect(waiting["status"] as? String == "scheduled")
            #expect(waiting["scheduled_at"] as? String == "2020-01-01T00:00:00.000Z")
            let next = try #require(Timestamp(field: waiting["next_attempt_at"]))
            #expect(next.microsecondsSinceEpoch > Timestamp.now().microsecondsSinceEpoch, "the retry backs off")
            let repeated = try await client.post("/schedule", json: body, headers: [key: keyValue])
            #expect(repeated.status == .ok, "repeating the request still finds its task")
            #expect(try repeated.jsonObject()["task_id"] as? String == taskID)
        }
    }
}
