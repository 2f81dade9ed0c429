import Core
import FoundationEssentials
package import Logging
import OTel
package import ServiceLifecycle

/// Turns span export on when the OpenTelemetry environment names an OTLP endpoint
/// (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`); the other `OTEL_*`
/// variables of the OpenTelemetry specification tune it (service name, headers, sampler, batch
/// delay, `http/protobuf` or `http/json`). Without an endpoint, or with `OTEL_SDK_DISABLED=true`
/// or `OTEL_TRACES_EXPORTER=none`, nothing is set up: no exporter, no background work, and no
/// span is ever made.
package enum SpanExport {
    /// The variables either of which turns export on.
    static let endpointVariables = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]

    /// The spans a service makes, and the service that exports them (to run beside the others
    /// and stop last, so that the last spans are flushed); `.disabled` and nil without an endpoint.
    package static func start(
        serviceName: String, environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger
    ) throws -> (spans: TaskSpans, exporter: (any Service)?) {
        guard isOn(in: environment) else { return (.disabled, nil) }
        try checkProtocol(in: environment)
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.diagnosticLogger = .custom(logger)
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        logger.info("exporting spans by OTLP", metadata: ["service": "\(serviceName)"])
        return (TaskSpans(tracer: backend.factory), backend.service)
    }

    /// The protocols built in: OTLP over HTTP. gRPC would bring a second gRPC stack.
    static let protocols = ["http/protobuf", "http/json"]

    /// Refuses a protocol that is not built in, with the variable that names it.
    static func checkProtocol(in environment: [String: String]) throws {
        for variable in ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"] {
            guard let value = environment[variable], !value.isEmpty else { continue }
            guard protocols.contains(value) else {
                throw ConfigurationError("\(variable)=\(value): spans are exported by OTLP over HTTP only; use http/protobuf or http/json")
            }
            return
        }
    }

    /// Whether `environment` asks for spans to be exported.
    static func isOn(in environment: [String: String]) -> Bool {
        endpointVariables.contains { !(environment[$0] ?? "").isEmpty }
            && environment["OTEL_SDK_DISABLED"]?.lowercased() != "true"
            && environment["OTEL_TRACES_EXPORTER"]?.lowercased() != "none"
    }
}
