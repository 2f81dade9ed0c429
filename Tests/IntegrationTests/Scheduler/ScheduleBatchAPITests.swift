import Core
import Postgres
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /schedule/batch` against a real PostgreSQL.
@Suite(.timeLimit(.minutes(2))) struct ScheduleBatchAPITests {
    /// A JSON array of `count` requests whose commands are `<marker>-<index>`.
    static func batch(_ marker: String, count: Int, at date: String = "2030-01-01T00:00:00Z") -> String {
        "[" + (0..<count).map { #"{"command": "\#(marker)-\#($0)", "scheduled_at": "\#(date)"}"# }.joined(separator: ",") + "]"
    }

    static func storedCount(commandPrefix marker: String, in database: PostgresClient) async throws -> Int {
        let result = try await database.query("SELECT count(*) FROM tasks WHERE starts_with(command, $1)", [marker + "-"])
        return try #require(try result.first?.int(0))
    }

    @Test func storesEveryTaskAndAnswersInRequestOrder() async throws {
        try await withSchedulerApplication { client, database in
            let marker = UUID().uuidString
            let response = try await client.post(
                "/schedule/batch",
                json: #"[{"command": "\#(marker)-0", "scheduled_at": "2030-01-01T00:00:00+05:30", "max_attempts": 3}, "#
                    + #"{"command": "\#(marker)-1", "scheduled_at": "2029-06-01T12:00:00.25Z", "timeout_seconds": 9}]"#)
            #expect(response.status == .ok)
            let object = try response.jsonObject()
            #expect(Set(object.keys) == ["tasks"])
            let tasks = try #require(object["tasks"] as? [[String: Any]])
            #expect(tasks.count == 2)
            #expect(tasks.map { $0["command"] as? String } == ["\(marker)-0", "\(marker)-1"])
            #expect(tasks.map { $0["scheduled_at"] as? String } == ["2029-12-31T18:30:00.000Z", "2029-06-01T12:00:00.250Z"])
            #expect(tasks.map { $0["max_attempts"] as? Int } == [3, 1])
            #expect(Set(tasks[0].keys) == ["task_id", "command", "scheduled_at", "status", "max_attempts", "queue", "priority"])

            let second = try await client.get("/tasks/\(try #require(tasks[1]["task_id"] as? String))").jsonObject()
            #expect(second["command"] as? String == "\(marker)-1")
            #expect(second["timeout_seconds"] as? Int == 9)
            #expect(try await Self.storedCount(commandPrefix: marker, in: database) == 2)
        }
    }

    @Test func oneBadElementStoresNothingAndIsNamedByIndex() async throws {
        try await withSchedulerApplication { client, database in
            let marker = UUID().uuidString
            let cases: [(element: String, code: String)] = [
                (#"{"command": "\#(marker)-x", "scheduled_at": "2023-02-30T10:00:00Z"}"#, "invalid_date"),
                (#"{"command": "\#(marker)-x"}"#, "invalid_field"),
                (#"{"command": "\#(marker)-x", "scheduled_at": "2030-01-01T00:00:00Z", "max_attempts": 0}"#, "invalid_field"),
                (#"{"command": 7, "scheduled_at": "2030-01-01T00:00:00Z"}"#, "invalid_field"),
                (#""not an object""#, "invalid_field"),
                ("null", "invalid_field"),
            ]
            for (element, code) in cases {
                let good = Self.batch(marker, count: 5).dropFirst().dropLast()
                let json = "[\(good),\(element),\(good)]"
                let response = try await client.post("/schedule/batch", json: json)
                #expect(response.status == .badRequest, "\(element)")
                let error = try #require(response.jsonObject()["error"] as? [String: Any])
                #expect(error["code"] as? String == code, "\(element)")
                #expect(error["index"] as? Int == 5, "\(element)")
                #expect((error["message"] as? String)?.hasPrefix("element 5: ") == true, "\(error)")
            }
            #expect(try await Self.storedCount(commandPrefix: marker, in: database) == 0)
        }
    }

    @Test func malformedBatchesAreRefusedWhole() async throws {
        try await withSchedulerApplication(maxBatchBodyBytes: 4096) { client, _ in
            try await client.post("/schedule/batch", json: "[").expectAPIError(.badRequest, "invalid_json")
            try await client.post("/schedule/batch", json: "").expectAPIError(.badRequest, "invalid_field")
            try await client.post("/schedule/batch", json: "[]").expectAPIError(.badRequest, "invalid_field")
            try await client.post("/schedule/batch", json: #"{"command": "x", "scheduled_at": "2030-01-01T00:00:00Z"}"#)
                .expectAPIError(.badRequest, "invalid_field")
            try await client.post("/schedule/batch", json: Self.batch("big", count: 100))
                .expectAPIError(.contentTooLarge, "payload_too_large")
            try await client.execute(uri: "/schedule/batch", method: .get) { $0 }
                .expectAPIError(.methodNotAllowed, "method_not_allowed")
        }
    }

    @Test func tenThousandTasksInOneRequest() async throws {
        try await withSchedulerApplication { client, database in
            let marker = UUID().uuidString
            let response = try await client.post("/schedule/batch", json: Self.batch(marker, count: 10_000))
            #expect(response.status == .ok)
            let tasks = try #require(response.jsonObject()["tasks"] as? [[String: Any]])
            #expect(tasks.map { $0["command"] as? String } == (0..<10_000).map { "\(marker)-\($0)" })
            #expect(Set(tasks.compactMap { $0["task_id"] as? String }).count == 10_000)
            #expect(try await Self.storedCount(commandPrefix: marker, in: database) == 10_000)

            let tooMany = try await client.post("/schedule/batch", json: Self.batch(marker, count: 10_001))
            let message = try tooMany.expectAPIError(.badRequest, "invalid_field")
            #expect(message.contains("10000"))
            #expect(try await Self.storedCount(commandPrefix: marker, in: database) == 10_000)
        }
    }

    @Test func commandsSurviveTheArrayEncodingVerbatim() async throws {
        let commands = [
            #"echo "quoted" 'single'"#, "a,b,c", "{braces}", "{", "}", #"back\slash\\ and \""#, "NULL", "null",
            " leading and trailing ", "tab\tnew\nline\r", "héllo wörld 日本語 🚀", #"{"json": [1, 2]}"#, "\\", "\"",
        ]
        try await withSchedulerApplication { client, _ in
            let elements = try commands.map { command in
                let data = try JSONSerialization.data(withJSONObject: ["command": command, "scheduled_at": "2030-01-01T00:00:00Z"])
                return String(decoding: data, as: UTF8.self)
            }
            let response = try await client.post("/schedule/batch", json: "[" + elements.joined(separator: ",") + "]")
            #expect(response.status == .ok)
            let tasks = try #require(response.jsonObject()["tasks"] as? [[String: Any]])
            #expect(tasks.map { $0["command"] as? String } == commands)
            for (task, command) in zip(tasks, commands) {
                let stored = try await client.get("/tasks/\(try #require(task["task_id"] as? String))").jsonObject()
                #expect(stored["command"] as? String == command)
            }
        }
    }

    @Test func elementsMayCarryIdempotencyKeys() async throws {
        try await withSchedulerApplication { client, database in
            let marker = UUID().uuidString
            let json = #"[{"command": "\#(marker)-a", "scheduled_at": "2030-01-01T00:00:00Z", "idempotency_key": "\#(marker)-1"}, "#
                + #"{"command": "\#(marker)-b", "scheduled_at": "2030-01-01T00:00:00Z"}, "#
                + #"{"command": "\#(marker)-a", "scheduled_at": "2030-01-01T00:00:00Z", "idempotency_key": "\#(marker)-1"}]"#
            let first = try #require(try await client.post("/schedule/batch", json: json).jsonObject()["tasks"] as? [[String: Any]])
            #expect(first[0]["task_id"] as? String == first[2]["task_id"] as? String)
            #expect(first[0]["task_id"] as? String != first[1]["task_id"] as? String)
            #expect(try await Self.storedCount(commandPrefix: marker, in: database) == 2)

            let retried = try #require(try await client.post("/schedule/batch", json: json).jsonObject()["tasks"] as? [[String: Any]])
            #expect(retried[0]["task_id"] as? String == first[0]["task_id"] as? String)
            #expect(try await Self.storedCount(commandPrefix: marker, in: database) == 3)

            let conflicting = #"[{"command": "\#(marker)-c", "scheduled_at": "2030-01-01T00:00:00Z"}, "#
                + #"{"command": "\#(marker)-changed", "scheduled_at": "2030-01-01T00:00:00Z", "idempotency_key": "\#(marker)-1"}]"#
            let response = try await client.post("/schedule/batch", json: conflicting)
            #expect(response.status == .conflict)
            let error = try #require(response.jsonObject()["error"] as? [String: Any])
            #expect(error["code"] as? String == "idempotency_conflict")
            #expect(error["index"] as? Int == 1)
            #expect(try await Self.storedCount(commandPrefix: marker, in: database) == 3)
        }
    }
}
