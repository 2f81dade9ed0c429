import RPC
import TracePropagation

extension TaskRequest {
    /// The trace context of the attempt: a span of the task's trace that the coordinator made for
    /// this attempt (its hand-off), which the command continues. Nil when the task is untraced,
    /// the coordinator did not send it, or it does not parse.
    var traceContext: TaskTraceContext? {
        TaskTraceContext(traceParent: traceParent.isEmpty ? nil : traceParent, traceState: traceState)
    }

    /// The environment entries that hand the attempt's span to the command (`TRACEPARENT`,
    /// `TRACESTATE`); empty without one.
    var traceEnvironment: [String] {
        traceContext?.environment ?? []
    }
}
