import RPC
import SpanExport
import TracePropagation

extension TaskRequest {
    /// The trace context the request carries; nil when it has none, the coordinator did not send
    /// it, or it does not parse.
    var traceContext: TaskTraceContext? {
        TaskTraceContext(traceParent: traceParent.isEmpty ? nil : traceParent, traceState: traceState)
    }

    /// The span of the attempt before this one, which this attempt's span links to.
    var previousAttempt: TaskTraceContext? {
        TaskTraceContext(traceParent: previousAttemptTraceParent.isEmpty ? nil : previousAttemptTraceParent, traceState: nil)
    }

    /// This request as the executor gets it: carrying the attempt's own trace context, `span`'s,
    /// or without a span a new child of the context it came with (each attempt a span id of its
    /// own, which the command continues and the final report names).
    func forAttempt(span: TaskSpan?) -> TaskRequest {
        guard let context = span?.traceContext ?? traceContext?.child() else { return self }
        var request = self
        request.traceParent = context.traceParent
        request.traceState = context.traceState ?? ""
        return request
    }

    /// The environment entries that hand the request's trace context to a command (`TRACEPARENT`,
    /// `TRACESTATE`); empty without one.
    var traceEnvironment: [String] {
        traceContext?.environment ?? []
    }
}
