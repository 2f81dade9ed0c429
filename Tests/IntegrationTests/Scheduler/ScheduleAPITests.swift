import Core
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `/schedules`: create, read, list, change, delete, upcoming fires, and every kind of bad input.
@Suite(.timeLimit(.minutes(2))) struct ScheduleAPITests {
    private static func create(_ client: any TestClientProtocol, _ json: String) async throws -> [String: Any] {
        let response = try await client.post("/schedules", json: json)
        #expect(response.status == .created)
        return try response.jsonObject()
    }

    private static func unique(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8))" }

    @Test func createsAScheduleWithItsDefaultsAndNextFires() async throws {
        try await withSchedulerApplication { client, _ in
            let name = Self.unique("nightly")
            let schedule = try await Self.create(
                client, #"{"cron": "0 3 * * *", "command": "date >> /tmp/ticks", "name": "\#(name)"}"#)
            #expect(UUID(uuidString: schedule["schedule_id"] as? String ?? "") != nil)
            #expect(schedule["name"] as? String == name)
            #expect(schedule["cron"] as? String == "0 3 * * *")
            #expect(schedule["timezone"] as? String == "UTC")
            #expect(schedule["command"] as? String == "date >> /tmp/ticks")
            #expect(schedule["max_attempts"] as? Int == 1)
            #expect(schedule["overlap"] as? String == "skip")
            #expect(schedule["catchup_window_seconds"] as? Int == 60)
            #expect(schedule["jitter_seconds"] as? Int == 0)
            #expect(schedule["paused"] as? Bool == false)
            #expect(schedule["last_fire_at"] == nil)
            #expect(schedule["timeout_seconds"] == nil)
            #expect(schedule["counts"] as? [String: Int] == ["fired": 0, "skipped": 0, "missed": 0])
            let fires = try #require(schedule["next_fire_times"] as? [String])
            #expect(fires.count == 5)
            #expect(fires.allSatisfy { $0.hasSuffix("T03:00:00.000Z") })
            let created = try Timestamp(rfc3339: try #require(schedule["created_at"] as? String))
            let first = try Timestamp(rfc3339: fires[0])
            #expect(first > created)
            #expect(first.microsecondsSinceEpoch - created.microsecondsSinceEpoch <= 86_400_000_000)

            let id = try #require(schedule["schedule_id"] as? String)
            let shown = try await client.get("/schedules/\(id)")
            #expect(shown.status == .ok)
            #expect(try shown.jsonObject()["name"] as? String == name)
        }
    }

    @Test func readsTheCronInItsTimeZone() async throws {
        try await withSchedulerApplication { client, _ in
            let schedule = try await Self.create(
                client,
                #"{"cron": "30 2 * * *", "timezone": "Europe/Berlin", "command": "true", "start_at": "2027-03-27T00:00:00Z", "end_at": "2027-03-30T00:00:00Z", "max_attempts": 3, "timeout_seconds": 60, "overlap": "allow", "catchup_window_seconds": 300, "jitter_seconds": 5}"#
            )
            #expect(
                schedule["next_fire_times"] as? [String] == [
                    "2027-03-27T01:30:00.000Z", "2027-03-28T01:00:00.000Z", "2027-03-29T00:30:00.000Z",
                ])
            #expect(schedule["start_at"] as? String == "2027-03-27T00:00:00.000Z")
            #expect(schedule["end_at"] as? String == "2027-03-30T00:00:00.000Z")
            #expect(schedule["max_attempts"] as? Int == 3)
            #expect(schedule["timeout_seconds"] as? Int == 60)
            #expect(schedule["overlap"] as? String == "allow")
            #expect(schedule["catchup_window_seconds"] as? Int == 300)
            #expect(schedule["jitter_seconds"] as? Int == 5)
            let id = try #require(schedule["schedule_id"] as? String)
            let upcoming = try await client.get("/schedules/\(id)/upcoming?count=2").jsonObject()
            #expect(upcoming["fire_times"] as? [String] == ["2027-03-27T01:30:00.000Z", "2027-03-28T01:00:00.000Z"])
            #expect(upcoming["timezone"] as? String == "Europe/Berlin")
            #expect(
                upcoming["local_fire_times"] as? [String] == ["2027-03-27T02:30:00.000+01:00", "2027-03-28T03:00:00.000+02:00"],
                "on Berlin's wall clock, across the change to summer time")
            let byPrefix = try await client.get("/schedules?id_prefix=\(id.prefix(8))").jsonObject()["schedules"] as? [[String: Any]]
            #expect(byPrefix?.contains { $0["schedule_id"] as? String == id } == true)
            let all = try await client.get("/schedules/\(id)/upcoming")
            #expect((try all.jsonObject()["fire_times"] as? [String])?.count == 3)
        }
    }

    @Test func everyFiresFromItsCreation() async throws {
        try await withSchedulerApplication { client, _ in
            let schedule = try await Self.create(client, #"{"cron": "@every 90s", "command": "true"}"#)
            let created = try Timestamp(rfc3339: try #require(schedule["created_at"] as? String))
            let fires = try (try #require(schedule["next_fire_times"] as? [String])).map(Timestamp.init(rfc3339:))
            #expect(fires.first == created)
            #expect(zip(fires, fires.dropFirst()).allSatisfy { $1.microsecondsSinceEpoch - $0.microsecondsSinceEpoch == 90_000_000 })
        }
    }

    @Test func aSecondScheduleWithTheSameNameIsAConflict() async throws {
        try await withSchedulerApplication { client, _ in
            let name = Self.unique("unique")
            _ = try await Self.create(client, #"{"cron": "@hourly", "command": "true", "name": "\#(name)"}"#)
            try await client.post("/schedules", json: #"{"cron": "@daily", "command": "true", "name": "\#(name)"}"#)
                .expectAPIError(.conflict, "schedule_exists")
        }
    }

    @Test func changesFieldsAndRecomputesTheNextFires() async throws {
        try await withSchedulerApplication { client, _ in
            let schedule = try await Self.create(client, #"{"cron": "0 3 * * *", "command": "true"}"#)
            let id = try #require(schedule["schedule_id"] as? String)
            let response = try await client.execute(
                uri: "/schedules/\(id)", method: .patch, body: ByteBuffer(string: #"{"cron": "15 4 * * *", "paused": true}"#)
            ) { $0 }
            #expect(response.status == .ok)
            let changed = try response.jsonObject()
            #expect(changed["cron"] as? String == "15 4 * * *")
            #expect(changed["paused"] as? Bool == true)
            #expect(changed["command"] as? String == "true")
            #expect((changed["next_fire_times"] as? [String])?.allSatisfy { $0.hasSuffix("T04:15:00.000Z") } == true)
            let refused = try await client.execute(
                uri: "/schedules/\(id)", method: .patch, body: ByteBuffer(string: #"{"cron": "0 0 30 2 *"}"#)) { $0 }
            try refused.expectAPIError(.badRequest, "invalid_schedule")
            #expect(try await client.get("/schedules/\(id)").jsonObject()["cron"] as? String == "15 4 * * *")
        }
    }

    @Test func deletesASchedule() async throws {
        try await withSchedulerApplication { client, _ in
            let id = try #require(try await Self.create(client, #"{"cron": "@daily", "command": "true"}"#)["schedule_id"] as? String)
            let deleted = try await client.execute(uri: "/schedules/\(id)", method: .delete) { $0 }
            #expect(deleted.status == .noContent)
            #expect(deleted.body.readableBytes == 0)
            try await client.get("/schedules/\(id)").expectAPIError(.notFound, "not_found")
            try await client.execute(uri: "/schedules/\(id)", method: .delete) { $0 }.expectAPIError(.notFound, "not_found")
        }
    }

    @Test func listsNewestFirstInKeysetPages() async throws {
        try await withSchedulerApplication(isolatedDatabase: true) { client, _ in
            var created: [(createdAt: String, id: String)] = []
            for index in 0..<5 {
                let schedule = try await Self.create(client, #"{"cron": "@daily", "command": "echo \#(index)"}"#)
                created.append((try #require(schedule["created_at"] as? String), try #require(schedule["schedule_id"] as? String)))
            }
            var seen: [String] = []
            var after = ""
            for _ in 0..<10 {
                let page = try await client.get("/schedules?limit=2\(after)").jsonObject()
                let schedules = try #require(page["schedules"] as? [[String: Any]])
                #expect(schedules.count <= 2)
                seen += schedules.compactMap { $0["schedule_id"] as? String }
                guard let next = page["next"] as? String else { break }
                after = "&after=\(next)"
            }
            // Newest first by creation time (in milliseconds), then by id: two made in one millisecond go by id.
            #expect(seen == created.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.map(\.id))
            try await client.get("/schedules?limit=0").expectAPIError(.badRequest, "invalid_parameter")
            try await client.get("/schedules?after=nope").expectAPIError(.badRequest, "invalid_parameter")
        }
    }

    @Test func refusesBadInputSayingWhy() async throws {
        try await withSchedulerApplication { client, _ in
            let cases: [(String, String, String)] = [
                (#"{"cron": "61 * * * *", "command": "true"}"#, "invalid_schedule", #""cron": the minute field "61": 61 is outside 0–59"#),
                (#"{"cron": "0 0 30 2 *", "command": "true"}"#, "invalid_schedule", "it can never fire"),
                (#"{"cron": "@every 0s", "command": "true"}"#, "invalid_schedule", "at least one second"),
                (#"{"cron": "@daily", "timezone": "Mars/Base", "command": "true"}"#, "invalid_schedule", #""timezone": the time zone "Mars/Base""#),
                (#"{"cron": "@daily", "command": "true", "start_at": "2030-01-02T00:00:00Z", "end_at": "2030-01-01T00:00:00Z"}"#, "invalid_schedule", "\"end_at\" must be after \"start_at\""),
                (#"{"cron": "@daily", "command": "true", "overlap": "sometimes"}"#, "invalid_field", "\"overlap\" must be one of skip, buffer_one, allow, cancel_previous"),
                (#"{"cron": "@daily", "command": "true", "catchup_window_seconds": 0}"#, "invalid_field", "\"catchup_window_seconds\""),
                (#"{"cron": "@daily", "command": "true", "jitter_seconds": -1}"#, "invalid_field", "\"jitter_seconds\""),
                (#"{"cron": "@daily", "command": "true", "max_attempts": 1.5}"#, "invalid_field", "\"max_attempts\""),
                (#"{"cron": 5, "command": "true"}"#, "invalid_field", "\"cron\" must be a string"),
                (#"{"cron": "@daily", "command": "true", "paused": "yes"}"#, "invalid_field", "\"paused\" must be true or false"),
                (#"{"cron": "@daily", "command": "true", "name": ""}"#, "invalid_field", "\"name\""),
                (#"{"cron": "@daily", "command": "   "}"#, "invalid_field", "\"command\" must not be empty"),
                (#"{"command": "true"}"#, "invalid_field", "missing field \"cron\""),
                (#"{"cron": "@daily"}"#, "invalid_field", "missing field \"command\""),
                (#"{"cron": "@daily", "command": "true", "start_at": "tomorrow"}"#, "invalid_date", "\"start_at\" is not a valid date-time"),
                (#"[1, 2]"#, "invalid_field", "must be a JSON object"),
                (#"{"cron": "@daily", "#, "invalid_json", "not valid JSON"),
            ]
            for (json, code, message) in cases {
                let response = try await client.post("/schedules", json: json)
                let text = try response.expectAPIError(.badRequest, code)
                #expect(text.contains(message), "\(json): \(text)")
            }
            try await client.get("/schedules/not-a-uuid").expectAPIError(.badRequest, "invalid_schedule_id")
            try await client.get("/schedules/\(UUID().uuidString)").expectAPIError(.notFound, "not_found")
            try await client.get("/schedules/\(UUID().uuidString)/upcoming").expectAPIError(.notFound, "not_found")
            let id = try #require(try await Self.create(client, #"{"cron": "@daily", "command": "true"}"#)["schedule_id"] as? String)
            try await client.get("/schedules/\(id)/upcoming?count=1001").expectAPIError(.badRequest, "invalid_parameter")
            try await client.get("/schedules/\(id)/upcoming?count=0").expectAPIError(.badRequest, "invalid_parameter")
        }
    }

    @Test func triggerMakesATaskNowEvenWhenPaused() async throws {
        try await withSchedulerApplication { client, _ in
            let schedule = try await Self.create(client, #"{"cron": "0 0 1 1 *", "command": "echo now", "paused": true}"#)
            let id = try #require(schedule["schedule_id"] as? String)
            let response = try await client.post("/schedules/\(id)/trigger", json: "")
            #expect(response.status == .created)
            let task = try response.jsonObject()
            #expect(task["schedule_id"] as? String == id)
            #expect(task["command"] as? String == "echo now")
            #expect(task["status"] as? String == "scheduled")
            let nominal = try #require(task["nominal_time"] as? String)
            #expect(task["scheduled_at"] as? String == nominal)
            let taskID = try #require(task["task_id"] as? String)
            let status = try await client.get("/status?task_id=\(taskID)").jsonObject()
            #expect(status["schedule_id"] as? String == id)
            #expect(status["nominal_time"] as? String == nominal)
            let shown = try await client.get("/schedules/\(id)").jsonObject()
            #expect((shown["counts"] as? [String: Int])?["fired"] == 1)
            #expect(shown["last_fire_at"] as? String == nominal)
            try await client.post("/schedules/\(UUID().uuidString)/trigger", json: "").expectAPIError(.notFound, "not_found")
        }
    }

    @Test func backfillMakesEachMissingFireOnceAndListsThemBySchedule() async throws {
        try await withSchedulerApplication { client, _ in
            let schedule = try await Self.create(client, #"{"cron": "0 * * * *", "command": "true"}"#)
            let id = try #require(schedule["schedule_id"] as? String)
            let range = #"{"start": "2026-01-01T00:00:00Z", "end": "2026-01-01T05:00:00Z"}"#
            let first = try await client.post("/schedules/\(id)/backfill", json: range)
            #expect(first.status == .ok)
            #expect(try first.jsonObject()["created"] as? Int == 5)
            let wider = #"{"start": "2026-01-01T00:00:00Z", "end": "2026-01-01T06:30:00Z"}"#
            #expect(try await client.post("/schedules/\(id)/backfill", json: wider).jsonObject()["created"] as? Int == 2)
            #expect(try await client.post("/schedules/\(id)/backfill", json: wider).jsonObject()["created"] as? Int == 0)
            let page = try await client.get("/tasks?schedule_id=\(id)&limit=100").jsonObject()
            let tasks = try #require(page["tasks"] as? [[String: Any]])
            #expect(Set(tasks.compactMap { $0["nominal_time"] as? String }) == Set((0...6).map { "2026-01-01T0\($0):00:00.000Z" }))
            #expect(tasks.allSatisfy { $0["schedule_id"] as? String == id })
            let pending = try await client.get("/tasks?schedule_id=\(id)&status=completed").jsonObject()
            #expect((pending["tasks"] as? [Any])?.isEmpty == true)
            #expect((try await client.get("/schedules/\(id)").jsonObject()["counts"] as? [String: Int])?["fired"] == 7)

            let tooLong = #"{"start": "2020-01-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}"#
            try await client.post("/schedules/\(id)/backfill", json: tooLong).expectAPIError(.badRequest, "invalid_field")
            let backwards = #"{"start": "2026-01-02T00:00:00Z", "end": "2026-01-01T00:00:00Z"}"#
            try await client.post("/schedules/\(id)/backfill", json: backwards).expectAPIError(.badRequest, "invalid_field")
            try await client.post("/schedules/\(id)/backfill", json: #"{"start": "soon"}"#).expectAPIError(.badRequest, "invalid_field")
            try await client.post("/schedules/\(id)/backfill", json: #"{"start": "x", "end": "y"}"#).expectAPIError(.badRequest, "invalid_date")
            try await client.post("/schedules/\(id)/backfill", json: "{").expectAPIError(.badRequest, "invalid_json")
            try await client.get("/tasks?schedule_id=nope").expectAPIError(.badRequest, "invalid_parameter")
        }
    }
}
