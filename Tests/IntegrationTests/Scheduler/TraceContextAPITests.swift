import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `traceparent` and `tracestate` on the API: kept with the task (or schedule) and shown as
/// `trace_id`; an invalid `traceparent` is ignored, as W3C Trace Context recommends.
@Suite(.timeLimit(.minutes(1))) struct TraceContextAPITests {
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let headers: HTTPFields = [
        HTTPFields.Element.Name("traceparent")!: "00-\(traceID)-00f067aa0ba902b7-01", HTTPFields.Element.Name("tracestate")!: "rojo=1",
    ]
    static let task = #"{"command": "true", "scheduled_at": "2030-01-01T00:00:00Z"}"#

    @Test func aScheduledTaskKeepsTheRequestsTraceContext() async throws {
        try await withSchedulerApplication { client, database in
            let created = try await client.post("/schedule", json: Self.task, headers: Self.headers).jsonObject()
            #expect(created["trace_id"] as? String == Self.traceID)
            let id = try #require(created["task_id"] as? String)
            #expect(try await client.get("/status?task_id=\(id)").jsonObject()["trace_id"] as? String == Self.traceID)
            let listed = try #require(try await client.get("/tasks?id_prefix=\(id)").jsonObject()["tasks"] as? [[String: Any]])
            #expect(listed.first?["trace_id"] as? String == Self.traceID)
            let stored = try #require(
                try await database.query("SELECT trace_parent, trace_state FROM tasks WHERE id = $1", [UUID(uuidString: id)]).first)
            #expect(stored.string(0) == "00-\(Self.traceID)-00f067aa0ba902b7-01")
            #expect(stored.string(1) == "rojo=1")
        }
    }

    @Test(arguments: [
        "00-\(traceID)-00f067aa0ba902b7", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "not a trace",
    ])
    func anInvalidTraceparentIsIgnored(traceParent: String) async throws {
        try await withSchedulerApplication { client, _ in
            let response = try await client.post(
                "/schedule", json: Self.task, headers: [HTTPFields.Element.Name("traceparent")!: traceParent])
            #expect(response.status == .ok)
            let created = try response.jsonObject()
            #expect(created["trace_id"] == nil)
            let id = try #require(created["task_id"] as? String)
            #expect(try await client.get("/status?task_id=\(id)").jsonObject()["trace_id"] == nil)
        }
    }

    @Test func everyTaskOfABatchKeepsTheTraceContext() async throws {
        try await withSchedulerApplication { client, _ in
            let response = try await client.post("/schedule/batch", json: "[\(Self.task), \(Self.task)]", headers: Self.headers)
            let tasks = try #require(try response.jsonObject()["tasks"] as? [[String: Any]])
            #expect(tasks.count == 2)
            #expect(tasks.allSatisfy { $0["trace_id"] as? String == Self.traceID })
        }
    }

    @Test func aSchedulesTasksContinueTheTraceThatCreatedIt() async throws {
        try await withSchedulerApplication { client, _ in
            let name = "traced-\(UUID().uuidString.prefix(8))"
            let response = try await client.post(
                "/schedules", json: #"{"cron": "0 3 * * *", "command": "true", "name": "\#(name)"}"#, headers: Self.headers)
            #expect(response.status == .created)
            let schedule = try response.jsonObject()
            #expect(schedule["trace_id"] as? String == Self.traceID)
            let id = try #require(schedule["schedule_id"] as? String)
            let triggered = try await client.post("/schedules/\(id)/trigger", json: "")
            #expect(triggered.status == .created)
            #expect(try triggered.jsonObject()["trace_id"] as? String == Self.traceID)
        }
    }
}
