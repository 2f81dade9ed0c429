import Core
import Postgres
import Foundation
import NIOCore

/// Tasks due now, scheduled over HTTP by keep-alive clients and run by the noop workers:
/// one task per `POST /schedule`, or `batchSize` per `POST /schedule/batch`.
struct EndToEnd {
    static let scheduleRate = "schedule rate"

    var scenario: String
    var batchSize: Int?

    func run(on cluster: BenchCluster, options: BenchCommand) async throws -> [Figure] {
        let database = cluster.database
        try await database.query("TRUNCATE tasks CASCADE")
        let tasks = options.tasks
        let element = #"{"command":"true","scheduled_at":"\#(Date().rfc3339)"}"#
        let requests: Int
        let makeRequest: @Sendable (Int) -> LoadRequest
        if let batchSize {
            requests = (tasks + batchSize - 1) / batchSize
            let full = Self.batchBody(element, count: batchSize)
            let last = Self.batchBody(element, count: tasks - (requests - 1) * batchSize)
            makeRequest = { index in LoadRequest(method: .POST, uri: "/schedule/batch", body: index == requests - 1 ? last : full) }
        } else {
            requests = tasks
            let body = ByteBuffer(string: element)
            makeRequest = { _ in LoadRequest(method: .POST, uri: "/schedule", body: body) }
        }
        let load = await runHTTPLoad(
            port: cluster.schedulerPort, clients: options.clients, requests: requests, timeout: .seconds(600), makeRequest)
        if let failure = load.firstFailure { print("  \(scenario): first failed request: \(failure)") }
        try await cluster.waitUntilIdle()
        // The end-to-end rate: from the first task stored to the last one completed.
        let row = try require(
            try await database.query(
                """
                SELECT extract(epoch from max(completed_at) - min(created_at)),
                    extract(epoch from max(completed_at) - max(created_at))
                FROM tasks
                """
            ).first)
        let completionSeconds = try row.double(0) ?? .nan
        let outcome = try await ExactlyOnce.read(from: database)
        let latencies = load.latenciesMilliseconds.sorted()
        return [
            Figure(scenario, Self.scheduleRate, Double(tasks) / load.elapsedSeconds, "tasks/s"),
            Figure(scenario, "request latency p50", percentile(0.5, of: latencies), "ms"),
            Figure(scenario, "request latency p99", percentile(0.99, of: latencies), "ms"),
            Figure(scenario, "failed requests", load.failures, target: .equal(0)),
            Figure(scenario, "completion rate", Double(tasks) / completionSeconds, "tasks/s", target: .atLeast(batchSize == nil ? 5_000 : 10_000)),
            Figure(scenario, "drain after last stored", try row.double(1) ?? .nan, "s"),
        ] + outcome.figures(scenario, expected: tasks)
    }

    /// A JSON array of `count` copies of `element`.
    private static func batchBody(_ element: String, count: Int) -> ByteBuffer {
        ByteBuffer(string: "[" + Array(repeating: element, count: count).joined(separator: ",") + "]")
    }
}

extension Date {
    /// RFC 3339 in UTC with milliseconds.
    var rfc3339: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: self)
    }
}
