import HTTPTypes
import Hummingbird
import TracePropagation

extension Request {
    /// The W3C trace context of the `traceparent` and `tracestate` headers. Nil when there is no
    /// valid `traceparent`: as W3C Trace Context recommends, an invalid one is ignored, and the
    /// request is served untraced rather than refused. Several `tracestate` fields make one list;
    /// several `traceparent` fields are invalid.
    var traceContext: TaskTraceContext? {
        let parents = headers[values: .traceparent]
        guard parents.count == 1 else { return nil }
        let states = headers[values: .tracestate]
        return TaskTraceContext(traceParent: parents[0], traceState: states.isEmpty ? nil : states.joined(separator: ","))
    }
}

extension HTTPField.Name {
    /// W3C Trace Context: the caller's trace and span.
    static let traceparent = Self("traceparent")!
    /// W3C Trace Context: vendor-specific trace data.
    static let tracestate = Self("tracestate")!
}
