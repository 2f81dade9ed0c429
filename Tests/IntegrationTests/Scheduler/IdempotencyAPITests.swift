import Core
import Postgres
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `Idempotency-Key` on `POST /schedule`, against a real PostgreSQL.
@Suite(.timeLimit(.minutes(1))) struct IdempotencyAPITests {
    static let body = #"{"command": "echo once", "scheduled_at": "2030-01-01T00:00:00Z"}"#
    static let idempotencyKey = HTTPFields.Element.Name("Idempotency-Key")!
    static let idempotentReplayed = HTTPFields.Element.Name("Idempotent-Replayed")!

    static func rows(withKey key: String, in database: PostgresClient) async throws -> Int {
        let result = try await database.query("SELECT count(*) FROM tasks WHERE idempotency_key = $1", [key])
        return try #require(try result.first?.int(0))
    }

    @Test func aRetryReturnsTheFirstTask() async throws {
        try await withSchedulerApplication { client, database in
            let key = UUID().uuidString
            let first = try await client.post("/schedule", json: Self.body, headers: [Self.idempotencyKey: key])
            #expect(first.status == .ok)
            #expect(first.headers[Self.idempotentReplayed] == nil)
            let retry = try await client.post("/schedule", json: Self.body, headers: [Self.idempotencyKey: key])
            #expect(retry.status == .ok)
            #expect(retry.headers[Self.idempotentReplayed] == "true")
            for field in ["task_id", "command", "scheduled_at", "status"] {
                #expect(try retry.jsonObject()[field] as? String == first.jsonObject()[field] as? String)
            }

            // The same instant written with another offset is the same task.
            let sameInstant = #"{"command": "echo once", "scheduled_at": "2030-01-01T01:00:00+01:00"}"#
            let again = try await client.post("/schedule", json: sameInstant, headers: [Self.idempotencyKey: key])
            #expect(again.headers[Self.idempotentReplayed] == "true")
            #expect(try again.jsonObject()["task_id"] as? String == first.jsonObject()["task_id"] as? String)
            #expect(try await Self.rows(withKey: key, in: database) == 1)
        }
    }

    /// Through a pool of HTTP connections, so the requests really run at the same time.
    @Test func twentyConcurrentRetriesStoreOneTask() async throws {
        try await withSchedulerApplication(.ahc(.http)) { client, database in
            let key = UUID().uuidString
            let responses = try await withThrowingTaskGroup(of: (String?, Bool).self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let response = try await client.post("/schedule", json: Self.body, headers: [Self.idempotencyKey: key])
                        #expect(response.status == .ok)
                        return (try response.jsonObject()["task_id"] as? String, response.headers[Self.idempotentReplayed] == nil)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.count == 20)
            #expect(Set(responses.map(\.0)).count == 1)
            #expect(responses.filter(\.1).count == 1, "exactly one request stored the task")
            #expect(try await Self.rows(withKey: key, in: database) == 1)
        }
    }

    @Test func reusingAKeyForAnotherTaskIsAConflict() async throws {
        try await withSchedulerApplication { client, database in
            let key = UUID().uuidString
            let taskID = try #require(
                try await client.post("/schedule", json: Self.body, headers: [Self.idempotencyKey: key]).jsonObject()["task_id"] as? String)
            let different = [
                #"{"command": "echo twice", "scheduled_at": "2030-01-01T00:00:00Z"}"#,
                #"{"command": "echo once", "scheduled_at": "2030-01-01T00:00:01Z"}"#,
                #"{"command": "echo once", "scheduled_at": "2030-01-01T00:00:00Z", "max_attempts": 2}"#,
                #"{"command": "echo once", "scheduled_at": "2030-01-01T00:00:00Z", "timeout_seconds": 5}"#,
            ]
            for body in different {
                let message = try await client.post("/schedule", json: body, headers: [Self.idempotencyKey: key])
                    .expectAPIError(.conflict, "idempotency_conflict")
                #expect(message.contains(taskID), "\(message)")
            }
            let message = try await client.post("/schedule", json: different[0], headers: [Self.idempotencyKey: key])
                .expectAPIError(.conflict, "idempotency_conflict")
            #expect(message.hasSuffix("with a different command"), "\(message)")
            #expect(try await Self.rows(withKey: key, in: database) == 1)
        }
    }

    @Test func badKeysAreRefused() async throws {
        try await withSchedulerApplication { client, _ in
            let unique = UUID().uuidString
            let longest = unique + String(repeating: "k", count: 255 - unique.count)
            #expect(try await client.post("/schedule", json: Self.body, headers: [Self.idempotencyKey: longest]).status == .ok)
            try await client.post("/schedule", json: Self.body, headers: [Self.idempotencyKey: longest + "k"])
                .expectAPIError(.badRequest, "invalid_field")
            try await client.post("/schedule", json: Self.body, headers: [Self.idempotencyKey: ""])
                .expectAPIError(.badRequest, "invalid_field")
            for value in [#""""#, "5", #""\#(longest)k""#] {
                let withField = #"{"command": "x", "scheduled_at": "2030-01-01T00:00:00Z", "idempotency_key": \#(value)}"#
                let message = try await client.post("/schedule", json: withField).expectAPIError(.badRequest, "invalid_field")
                #expect(message.hasPrefix("\"idempotency_key\""), "\(message)")
            }
            // A key given twice must be the same key, never one of them silently ignored.
            let withField = #"{"command": "x", "scheduled_at": "2030-01-01T00:00:00Z", "idempotency_key": "one"}"#
            let message = try await client.post("/schedule", json: withField, headers: [Self.idempotencyKey: "two"])
                .expectAPIError(.conflict, "idempotency_conflict")
            #expect(message.contains("different keys"), "\(message)")
            // Each element of a batch has its own key, in the body.
            for value in [#""""#, "5", #""\#(longest)k""#] {
                let element = #"[{"command": "x", "scheduled_at": "2030-01-01T00:00:00Z", "idempotency_key": \#(value)}]"#
                let message = try await client.post("/schedule/batch", json: element).expectAPIError(.badRequest, "invalid_field")
                #expect(message.hasPrefix("element 0: \"idempotency_key\""), "\(message)")
            }
        }
    }

    @Test func theBodyFieldIsTheSameKeyAsTheHeader() async throws {
        try await withSchedulerApplication { client, database in
            let key = UUID().uuidString
            let withField = #"{"command": "echo once", "scheduled_at": "2030-01-01T00:00:00Z", "idempotency_key": "\#(key)"}"#
            let first = try await client.post("/schedule", json: withField)
            #expect(first.status == .ok && first.headers[Self.idempotentReplayed] == nil)
            let byHeader = try await client.post("/schedule", json: Self.body, headers: [Self.idempotencyKey: key])
            #expect(byHeader.headers[Self.idempotentReplayed] == "true")
            let both = try await client.post("/schedule", json: withField, headers: [Self.idempotencyKey: key])
            #expect(both.headers[Self.idempotentReplayed] == "true")
            for replay in [byHeader, both] {
                #expect(try replay.jsonObject()["task_id"] as? String == first.jsonObject()["task_id"] as? String)
            }
            #expect(try await Self.rows(withKey: key, in: database) == 1)
        }
    }

    @Test func aBatchRefusesTheHeaderAndStoresNothing() async throws {
        try await withSchedulerApplication { client, database in
            let key = UUID().uuidString
            let batch = #"[{"command": "echo one", "scheduled_at": "2030-01-01T00:00:00Z"}]"#
            let message = try await client.post("/schedule/batch", json: batch, headers: [Self.idempotencyKey: key])
                .expectAPIError(.badRequest, "invalid_field")
            #expect(message.contains("idempotency_key"), "\(message)")
            let stored = try await database.query("SELECT count(*) FROM tasks WHERE command = 'echo one'")
            #expect(try stored.first?.int(0) == 0)
        }
    }

    @Test func elementsSharingAKeyAreOneTaskOrAConflictNamingTheOtherElement() async throws {
        try await withSchedulerApplication { client, database in
            let key = UUID().uuidString
            let element = #"{"command": "echo same", "scheduled_at": "2030-01-01T00:00:00Z", "idempotency_key": "\#(key)"}"#
            let same = try await client.post("/schedule/batch", json: "[\(element),\(element)]")
            #expect(same.status == .ok)
            let ids = try #require(same.jsonObject()["tasks"] as? [[String: Any]]).map { $0["task_id"] as? String }
            #expect(ids.count == 2 && ids[0] != nil && ids[0] == ids[1])
            #expect(try await Self.rows(withKey: key, in: database) == 1)

            let other = UUID().uuidString
            let differing = #"""
                [{"command": "echo a", "scheduled_at": "2030-01-01T00:00:00Z", "idempotency_key": "\#(other)"},
                 {"command": "echo b", "scheduled_at": "2030-01-01T00:00:00Z", "idempotency_key": "\#(other)"}]
                """#
            let response = try await client.post("/schedule/batch", json: differing)
            let message = try response.expectAPIError(.conflict, "idempotency_conflict")
            #expect(message == "element 1: the idempotency key is also given to element 0 with a different command")
            #expect(try response.jsonObject()["error"].flatMap { ($0 as? [String: Any])?["index"] as? Int } == 1)
            #expect(try await Self.rows(withKey: other, in: database) == 0, "nothing stored")
        }
    }
}
