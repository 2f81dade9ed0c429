package import Core
package import TracePropagation
import Tracing

/// Makes the spans of a task's way; a disabled value makes none and costs a nil check.
///
/// A task's spans belong to the trace its stored context names: each is a child of that
/// context (or of the span the previous step handed on), so a trace follows the task from the
/// request that made it to the command and back. A later attempt is not a child of the one
/// before: its spans carry a link to it instead.
package struct TaskSpans: Sendable {
    private let tracer: (any Tracer)?

    init(tracer: (any Tracer)?) {
        self.tracer = tracer
    }

    /// Makes no span.
    package static let disabled = TaskSpans(tracer: nil)

    package var isEnabled: Bool { tracer != nil }

    /// Starts a span named `name`, a child of `parent`, or the root of a new trace when `parent`
    /// is nil and `rootAllowed`; nil when export is off, or there is no parent and no root may
    /// be made. `links` name the spans it follows from (earlier attempts).
    package func start(
        _ name: String, kind: TaskSpan.Kind, parent: TaskTraceContext?, rootAllowed: Bool = false,
        links: [TaskTraceContext] = [], at start: Timestamp? = nil
    ) -> TaskSpan? {
        guard let tracer, parent != nil || rootAllowed else { return nil }
        let span = tracer.startSpan(
            name, context: context(of: parent, in: tracer), ofKind: kind.spanKind,
            at: start.map(\.tracerInstant) ?? DefaultTracerClock.now)
        for link in links {
            span.addLink(SpanLink(context: context(of: link, in: tracer), attributes: [:]))
        }
        return TaskSpan(span: span, tracer: tracer)
    }

    private func context(of trace: TaskTraceContext?, in tracer: any Tracer) -> ServiceContext {
        var context = ServiceContext.topLevel
        if let trace {
            tracer.extract(trace.headers, into: &context, using: HeaderCarrier())
        }
        return context
    }
}

extension Timestamp {
    var tracerInstant: DefaultTracerClock.Timestamp {
        DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: UInt64(max(0, microsecondsSinceEpoch)) * 1000)
    }
}

extension TaskSpans {
    /// Runs `body` in a server span named `name`: a child of the request's `parent`, or the root
    /// of a new trace without one. `body` gets the context the tasks it makes keep: the span's,
    /// or `parent` itself when export is off. The span fails when `body` throws.
    package func serving<Result>(
        _ name: String, parent: TaskTraceContext?, _ body: (TaskTraceContext?) async throws -> Result
    ) async throws -> Result {
        guard let span = start(name, kind: .server, parent: parent, rootAllowed: true) else { return try await body(parent) }
        defer { span.end() }
        do {
            return try await body(span.traceContext ?? parent)
        } catch {
            span.fail("\(error)")
            throw error
        }
    }
}
