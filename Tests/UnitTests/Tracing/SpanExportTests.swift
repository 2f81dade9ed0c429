import Core
import Logging
import SpanExport
import Testing

/// Spans are exported only when the OpenTelemetry environment names an endpoint and does not
/// turn the SDK or the traces exporter off.
@Suite struct SpanExportTests {
    static let endpoint = ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"]

    @Test(arguments: [
        [:],
        ["OTEL_EXPORTER_OTLP_ENDPOINT": ""],
        endpoint.merging(["OTEL_SDK_DISABLED": "TRUE"]) { $1 },
        endpoint.merging(["OTEL_TRACES_EXPORTER": "none"]) { $1 },
    ])
    func nothingIsSetUpWithoutAnEndpoint(environment: [String: String]) throws {
        let export = try SpanExport.start(serviceName: "test", environment: environment, logger: Logger(label: "test"))
        #expect(!export.spans.isEnabled && export.exporter == nil)
        #expect(export.spans.start("claim", kind: .internal, parent: nil, rootAllowed: true) == nil)
    }

    @Test(arguments: [endpoint, ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"]])
    func anEndpointTurnsExportOn(environment: [String: String]) throws {
        let export = try SpanExport.start(serviceName: "test", environment: environment, logger: Logger(label: "test"))
        #expect(export.spans.isEnabled && export.exporter != nil)
        let span = try #require(export.spans.start("schedule", kind: .server, parent: nil, rootAllowed: true))
        #expect(span.traceContext?.traceID.count == 32, "a root span starts a trace")
        #expect(export.spans.start("claim", kind: .internal, parent: nil) == nil, "a step of a task needs the task's trace")
        span.end()
    }

    @Test(arguments: ["OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"])
    func aProtocolThatIsNotBuiltInIsRefusedWithItsVariable(variable: String) {
        #expect(throws: ConfigurationError.self) {
            try SpanExport.start(serviceName: "test", environment: Self.endpoint.merging([variable: "grpc"]) { $1 }, logger: Logger(label: "test"))
        }
        let json = Self.endpoint.merging([variable: "http/json"]) { $1 }
        #expect((try? SpanExport.start(serviceName: "test", environment: json, logger: Logger(label: "test")))?.spans.isEnabled == true)
    }
}
