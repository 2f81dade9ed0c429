import ClusterKit
import Foundation
import Testing

@testable import Core

/// A `traceparent` sent to the real scheduler reaches the command a shell worker runs: the same
/// trace, and a span of each attempt's own; with an OTLP endpoint, the services export the spans
/// of the task's way.
@Suite(.serialized) struct TraceProcessTests {
    static let traceID = "0af7651916cd43dd8448eb211c80319c"
    static let parentSpanID = "b7ad6b7169203331"

    @Test func theCommandContinuesTheTraceOfTheRequestThatScheduledIt() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell")
            let (done, attempts) = try await runTracedRetry(on: cluster)
            #expect(done["trace_id"] as? String == Self.traceID)
            #expect(done["attempts"] as? Int == 2)
            let printed = try #require((done["output"] as? String)?.split(separator: "\n").first.map(String.init))
            #expect(attempts.count == 2)
            #expect(attempts.last == printed, "the output shows the last attempt's TRACEPARENT")
            var spans: Set<Substring> = []
            for traceParent in attempts {
                let fields = traceParent.split(separator: "-", omittingEmptySubsequences: false)
                try #require(fields.count == 4, "not a traceparent: \(traceParent)")
                #expect(fields[0] == "00" && fields[1] == Self.traceID[...] && fields[3] == "01", "\(traceParent)")
                #expect(fields[2].count == 16 && fields[2].allSatisfy(\.isHexDigit) && fields[2] != "0000000000000000")
                #expect(fields[2] != Self.parentSpanID[...], "the command runs in a span of its own")
                spans.insert(fields[2])
            }
            #expect(spans.count == 2, "each attempt is a new span: \(attempts)")
        }
    }

    /// Schedules with a `traceparent` and a `tracestate` a shell task whose first attempt fails
    /// (so the second runs as a span of its own), waits until it completed, and returns its
    /// status and the `TRACEPARENT` each attempt's command saw.
    private func runTracedRetry(on cluster: Cluster) async throws -> (status: [String: Any], commandTraceParents: [String]) {
        let runs = FileManager.default.temporaryDirectory.appendingPathComponent("traceparents-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: runs) }
        let command = #"echo "$TRACEPARENT" | tee -a \#(runs.path); test "$(wc -l < \#(runs.path))" -ge 2"#
        let task = String(
            decoding: try JSONSerialization.data(withJSONObject: [
                "command": command, "scheduled_at": Timestamp.now().rfc3339, "max_attempts": 2,
            ]),
            as: UTF8.self)
        let reply = try await cluster.request(
            port: cluster.schedulerPort, "/schedule",
            [
                "-X", "POST", "-H", "traceparent: 00-\(Self.traceID)-\(Self.parentSpanID)-01", "-H", "tracestate: rojo=1",
                "-d", task,
            ])
        #expect(reply.status == 200, "\(reply.body)")
        #expect(try reply.json["trace_id"] as? String == Self.traceID)
        let taskID = try #require(try reply.json["task_id"] as? String)
        let done = try await cluster.waitForStatus(of: taskID, "completed")
        return (done, try String(contentsOf: runs, encoding: .utf8).split(separator: "\n").map(String.init))
    }

    /// Runs a cluster whose scheduler and coordinator export spans to a receiver on `/v1/traces` with
    /// `protocol`, and a shell task scheduled with a `traceparent` whose first attempt fails;
    /// `body` gets the receiver and the `TRACEPARENT` each attempt's command saw, once the task
    /// completed.
    private func withTracedRetry(
        protocol otlpProtocol: String, _ body: @Sendable (PostReceiver, [String]) async throws -> Void
    ) async throws {
        let receiver = PostReceiver()
        try await receiver.serve(path: "/v1/traces") { port in
            let environment = [
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(port)", "OTEL_EXPORTER_OTLP_PROTOCOL": otlpProtocol,
                "OTEL_BSP_SCHEDULE_DELAY": "100",
            ]
            try await withCluster { cluster in
                try await cluster.startCoordinator(environment: environment)
                try await cluster.startScheduler(environment: environment)
                try await cluster.startWorker(executor: "shell")
                let (_, attempts) = try await runTracedRetry(on: cluster)
                try await body(receiver, attempts)
            }
        }
    }

    @Test func theSpansOfATaskFollowItFromTheRequestToEachAttemptsCommandAndReport() async throws {
        try await withTracedRetry(protocol: "http/json") { receiver, commandTraceParents in
            let spans = try await eventually("the spans of both attempts", timeout: .seconds(20)) { () -> [ExportedSpan]? in
                let spans = receiver.posts.flatMap { ExportedSpan.decode($0.body) }
                return spans.filter { $0.name == "report" }.count >= 2 ? spans : nil
            }
            #expect(spans.allSatisfy { $0.traceID == Self.traceID }, "every span is in the request's trace: \(spans)")
            let schedule = try #require(spans.first { $0.name == "schedule" }, "\(spans)")
            #expect(schedule.parentSpanID == Self.parentSpanID && schedule.kind == 2 && schedule.service == "taskmaster-scheduler")
            func attempt(_ name: String, _ number: Int) throws -> ExportedSpan {
                try #require(spans.first { $0.name == name && $0.attributes["taskmaster.task.attempt"] == "\(number)" }, "\(name) \(number): \(spans)")
            }
            for number in 1...2 {
                let claim = try attempt("claim", number)
                let handOff = try attempt("hand-off", number)
                let run = try attempt("run", number)
                #expect(claim.parentSpanID == schedule.spanID && claim.service == "taskmaster-coordinator")
                #expect(handOff.parentSpanID == schedule.spanID && handOff.kind == 3)
                #expect(commandTraceParents[number - 1] == "00-\(Self.traceID)-\(handOff.spanID)-01", "the command runs in the attempt's span")
                #expect(run.parentSpanID == handOff.spanID && run.kind == 5 && run.attributes["taskmaster.worker.id"] != nil)
                #expect(run.attributes["process.exit.code"] == (number == 1 ? "1" : "0"))
                #expect(run.statusCode == (number == 1 ? 2 : 0), "the failed attempt's run is an error")
                let report = try #require(spans.first { $0.name == "report" && $0.parentSpanID == run.spanID }, "\(spans)")
                #expect(report.attributes["taskmaster.report.result"] == "recorded")
            }
            let firstAttempt = try attempt("hand-off", 1)
            for name in ["claim", "hand-off"] {
                #expect(try attempt(name, 2).links == [firstAttempt.spanID], "a retry links to the attempt before: \(name)")
                #expect(try attempt(name, 1).links.isEmpty)
            }
        }
    }

    @Test func spansGoOutAsProtobufByDefault() async throws {
        try await withTracedRetry(protocol: "http/protobuf") { receiver, _ in
            let traceID = stride(from: 0, to: 32, by: 2).map { offset in
                UInt8(Self.traceID.dropFirst(offset).prefix(2), radix: 16)!
            }
            let bodies = try await eventually("spans of the trace", timeout: .seconds(20)) { () -> [[UInt8]]? in
                let bodies = receiver.posts.map(\.body).filter { $0.containsSubsequence(traceID) }
                return bodies.isEmpty ? nil : bodies
            }
            #expect(bodies.allSatisfy { ExportedSpan.decode($0).isEmpty }, "binary protobuf, not JSON")
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func containsSubsequence(_ part: [UInt8]) -> Bool {
        guard count >= part.count else { return false }
        return (0...(count - part.count)).contains { self[$0..<($0 + part.count)].elementsEqual(part) }
    }
}
