package import Core
package import TracePropagation
import Tracing

/// One span of a task's way, ended exactly once by whoever started it.
package struct TaskSpan: Sendable {
    /// What side of an exchange the span is.
    package enum Kind: Sendable {
        /// Serves a request (the scheduler's `/schedule`).
        case server
        /// Makes a request of another service (a hand-off to a worker).
        case client
        /// Works on a message another service sent (a worker's run of a hand-off).
        case consumer
        /// Work inside one service (a claim, recording a report).
        case `internal`

        var spanKind: SpanKind {
            switch self {
            case .server: .server
            case .client: .client
            case .consumer: .consumer
            case .internal: .internal
            }
        }
    }

    private let span: any Span
    private let tracer: any Tracer

    init(span: any Span, tracer: any Tracer) {
        self.span = span
        self.tracer = tracer
    }

    /// The span's own context: what a step that follows from it takes as its parent.
    package var traceContext: TaskTraceContext? {
        var headers: [String: String] = [:]
        tracer.inject(span.context, into: &headers, using: HeaderCarrier())
        return TaskTraceContext(traceParent: headers[TaskTraceContext.parentHeader], traceState: headers[TaskTraceContext.stateHeader])
    }

    package func set(_ attribute: String, _ value: String) {
        span.attributes[attribute] = value
    }

    package func set(_ attribute: String, _ value: Int) {
        span.attributes[attribute] = Int64(value)
    }

    /// Marks the span failed, with why.
    package func fail(_ message: String) {
        span.setStatus(SpanStatus(code: .error, message: message))
    }

    package func end(at end: Timestamp? = nil) {
        span.end(at: end.map(\.tracerInstant) ?? DefaultTracerClock.now)
    }
}
