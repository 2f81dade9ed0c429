import RPC
import TracePropagation

extension TaskRequest {
    /// The trace context the task keeps; nil when it has none, the coordinator did not send it,
    /// or it does not parse.
    var traceContext: TaskTraceContext? {
        TaskTraceContext(traceParent: traceParent.isEmpty ? nil : traceParent, traceState: traceState)
    }

    /// The environment entries that hand this attempt's span to the command: a new child span of
    /// the task's trace context each time it is asked (each attempt is a span of its own); empty
    /// without a trace context.
    var attemptEnvironment: [String] {
        traceContext?.child()?.environment ?? []
    }
}
