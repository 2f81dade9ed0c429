import Core
import Postgres
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /tasks` and `GET /tasks/{id}`, each test on a database of its own so it sees every task.
@Suite(.timeLimit(.minutes(2))) struct TaskListingAPITests {
    /// Pages through `/tasks` (plus `query`) with `limit`, calling `betweenPages` after each page;
    /// returns the ids in the order seen. Bounded: fails after 1000 pages.
    static func allPages(
        _ client: any TestClientProtocol, limit: Int, query: String = "",
        betweenPages: () async throws -> Void = {}
    ) async throws -> [String] {
        var ids: [String] = []
        var cursor: String?
        for _ in 0..<1000 {
            let after = cursor.map { "&after=\($0)" } ?? ""
            let response = try await client.get("/tasks?limit=\(limit)\(query)\(after)")
            #expect(response.status == .ok)
            let page = try response.jsonObject()
            let tasks = try #require(page["tasks"] as? [[String: Any]])
            #expect(tasks.count <= limit)
            ids += tasks.compactMap { $0["task_id"] as? String }
            try await betweenPages()
            guard let next = page["next"] as? String else { return ids }
            cursor = next
        }
        Issue.record("more than 1000 pages")
        return ids
    }

    static func scheduleBatch(_ client: any TestClientProtocol, count: Int) async throws -> [String] {
        let json = "[" + (0..<count).map { #"{"command": "task \#($0)", "scheduled_at": "2030-01-01T00:00:00Z"}"# }
            .joined(separator: ",") + "]"
        let tasks = try #require(try await client.post("/schedule/batch", json: json).jsonObject()["tasks"] as? [[String: Any]])
        return tasks.compactMap { $0["task_id"] as? String }
    }

    @Test func newestFirstWithTheFullTaskBody() async throws {
        try await withSchedulerApplication(isolatedDatabase: true) { client, _ in
            let first = try await client.schedule(command: "first")
            let second = try await client.schedule(command: "second")
            let page = try await client.get("/tasks").jsonObject()
            #expect(Set(page.keys) == ["tasks"], "no next cursor on the last page")
            let tasks = try #require(page["tasks"] as? [[String: Any]])
            #expect(tasks.compactMap { $0["task_id"] as? String } == [second, first])
            let status = try await client.get("/status?task_id=\(first)").jsonObject()
            #expect(Set(tasks[1].keys) == Set(status.keys))
            #expect(tasks[1]["command"] as? String == "first")
        }
    }

    @Test func pagesStayStableWhileTasksAreInserted() async throws {
        try await withSchedulerApplication(isolatedDatabase: true) { client, _ in
            // Batches share a creation time: the id breaks the tie.
            var existing = try await Self.scheduleBatch(client, count: 120)
            for index in 0..<15 { existing.append(try await client.schedule(command: "single \(index)")) }
            var inserted: [String] = []
            let seen = try await Self.allPages(client, limit: 7) {
                inserted += try await Self.scheduleBatch(client, count: 3)
                inserted.append(try await client.schedule(command: "between pages"))
            }
            #expect(seen.count == Set(seen).count, "no task twice")
            #expect(Set(existing).isSubset(of: Set(seen)), "every task that existed at the start")
            #expect(Set(seen).isSubset(of: Set(existing + inserted)))
            let inOrder = seen.filter(Set(existing).contains)
            #expect(Array(inOrder.prefix(15)) == existing.suffix(15).reversed(), "newest first")
        }
    }

    @Test func filtersByStatus() async throws {
        try await withSchedulerApplication(isolatedDatabase: true) { client, database in
            let ids = try await Self.scheduleBatch(client, count: 30)
            let completed = Set(ids.prefix(12))
            _ = try await database.query(
                "UPDATE tasks SET status = 'completed', completed_at = now() WHERE id = ANY($1::uuid[])",
                [PostgresArray(Array(completed))])
            let seen = try await Self.allPages(client, limit: 5, query: "&status=completed")
            #expect(Set(seen) == completed)
            #expect(seen.count == completed.count)
            let scheduled = try await Self.allPages(client, limit: 1000, query: "&status=scheduled")
            #expect(Set(scheduled) == Set(ids).subtracting(completed))
            #expect(try await Self.allPages(client, limit: 10, query: "&status=cancelled").isEmpty)
        }
    }

    @Test func limitDefaultsTo100() async throws {
        try await withSchedulerApplication(isolatedDatabase: true) { client, _ in
            _ = try await Self.scheduleBatch(client, count: 101)
            let page = try await client.get("/tasks").jsonObject()
            #expect((page["tasks"] as? [Any])?.count == 100)
            let next = try #require(page["next"] as? String)
            let rest = try await client.get("/tasks?after=\(next)").jsonObject()
            #expect((rest["tasks"] as? [Any])?.count == 1)
            #expect(rest["next"] == nil)
        }
    }

    @Test func badParametersAre400() async throws {
        try await withSchedulerApplication { client, _ in
            for query in [
                "limit=0", "limit=1001", "limit=x", "limit=", "limit=1.5", "status=done", "status=", "after=abc",
                "after=" + String(repeating: "g", count: 48), "limit=1&limit=2", "id_prefix=", "id_prefix=xyz",
                "id_prefix=12-34", "id_prefix=" + String(repeating: "a", count: 33),
            ] {
                try await client.get("/tasks?\(query)").expectAPIError(.badRequest, "invalid_parameter")
            }
            let anyHex = String(repeating: "f", count: 48)
            #expect(try await client.get("/tasks?limit=1000&after=\(anyHex)").status == .ok)
            #expect(try await client.get("/tasks?after=\(anyHex.uppercased())").status == .ok)
        }
    }

    @Test func tasksAreFoundByTheBeginningOfTheirID() async throws {
        try await withSchedulerApplication(isolatedDatabase: true) { client, _ in
            let ids = try await Self.scheduleBatch(client, count: 40)
            let id = ids[7]
            for prefix in [String(id.prefix(8)), String(id.prefix(13)), String(id.prefix(13)).replacingOccurrences(of: "-", with: ""), id.uppercased()] {
                let tasks = try #require(try await client.get("/tasks?id_prefix=\(prefix)").jsonObject()["tasks"] as? [[String: Any]])
                #expect(tasks.compactMap { $0["task_id"] as? String }.contains(id), "\(prefix)")
                #expect(tasks.allSatisfy { ($0["task_id"] as? String)?.hasPrefix(String(id.prefix(8))) == true })
            }
            // A one-digit prefix finds every task it covers, with the other filters too.
            let digit = String(id.prefix(1))
            let found = try #require(
                try await client.get("/tasks?id_prefix=\(digit)&limit=1000&status=scheduled").jsonObject()["tasks"] as? [[String: Any]]
            ).compactMap { $0["task_id"] as? String }
            #expect(Set(found) == Set(ids.filter { $0.hasPrefix(digit) }))
            let failed = try await client.get("/tasks?id_prefix=\(digit)&status=failed").jsonObject()["tasks"] as? [[String: Any]]
            #expect(failed?.isEmpty == true)
            let none = try await client.get("/tasks?id_prefix=\(id.prefix(8))\(id.hasSuffix("0") ? "1" : "0")fffffffff").jsonObject()
            #expect((none["tasks"] as? [Any])?.isEmpty == true || (none["tasks"] as? [[String: Any]])?.allSatisfy { ($0["task_id"] as? String) != id } == true)
        }
    }

    @Test func taskByIDIsStatus() async throws {
        try await withSchedulerApplication { client, _ in
            let taskID = try await client.schedule()
            let byPath = try await client.get("/tasks/\(taskID)")
            #expect(byPath.status == .ok)
            #expect(try byPath.jsonObject()["task_id"] as? String == taskID)
            let byQuery = try await client.get("/status?task_id=\(taskID)")
            #expect(try byPath.jsonObject().keys.sorted() == byQuery.jsonObject().keys.sorted())
            try await client.get("/tasks/not-a-uuid").expectAPIError(.badRequest, "invalid_task_id")
            try await client.get("/tasks/\(UUID().uuidString)").expectAPIError(.notFound, "not_found")
            let response = try await client.execute(uri: "/tasks/\(taskID)", method: .delete) { $0 }
            try response.expectAPIError(.methodNotAllowed, "method_not_allowed")
            #expect(response.headers[.allow] == "GET")
        }
    }
}
