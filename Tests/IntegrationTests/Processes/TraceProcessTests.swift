import Foundation
import Testing

@testable import Core

/// A `traceparent` sent to the real scheduler reaches the command a shell worker runs: the same
/// trace, and a span of each attempt's own.
@Suite(.serialized) struct TraceProcessTests {
    static let traceID = "0af7651916cd43dd8448eb211c80319c"
    static let parentSpanID = "b7ad6b7169203331"

    @Test func theCommandContinuesTheTraceOfTheRequestThatScheduledIt() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell")
            let runs = FileManager.default.temporaryDirectory.appendingPathComponent("traceparents-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: runs) }
            // The first attempt fails, so the second runs as a span of its own.
            let command = #"echo "$TRACEPARENT" | tee -a \#(runs.path); test "$(wc -l < \#(runs.path))" -ge 2"#
            let body = String(
                decoding: try JSONSerialization.data(withJSONObject: [
                    "command": command, "scheduled_at": Timestamp.now().rfc3339, "max_attempts": 2,
                ]),
                as: UTF8.self)
            let reply = try await cluster.request(
                port: cluster.schedulerPort, "/schedule",
                [
                    "-X", "POST", "-H", "traceparent: 00-\(Self.traceID)-\(Self.parentSpanID)-01", "-H", "tracestate: rojo=1",
                    "-d", body,
                ])
            #expect(reply.status == 200, "\(reply.body)")
            #expect(try reply.json["trace_id"] as? String == Self.traceID)
            let taskID = try #require(try reply.json["task_id"] as? String)

            let done = try await cluster.waitForStatus(of: taskID, "completed")
            #expect(done["trace_id"] as? String == Self.traceID)
            #expect(done["attempts"] as? Int == 2)
            let printed = try #require((done["output"] as? String)?.split(separator: "\n").first.map(String.init))
            let attempts = try String(contentsOf: runs, encoding: .utf8).split(separator: "\n").map(String.init)
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
}
