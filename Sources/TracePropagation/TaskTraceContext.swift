internal import W3CTraceContext

/// The W3C trace context a task keeps from the request that made it: its `traceparent` and
/// `tracestate` header values, checked and normalised by swift-w3c-trace-context.
///
/// A context is only ever made from valid headers (`init?(traceParent:traceState:)`) or read
/// back from where one was stored (`init(stored:state:)`), so `traceID` is always well formed.
package struct TaskTraceContext: Sendable, Hashable {
    /// `00-<trace id>-<parent span id>-<flags>`, lowercase.
    package let traceParent: String
    /// Vendor entries, `vendor=value` separated by `,`; nil when there are none.
    package let traceState: String?

    /// The context of a request's `traceparent` and `tracestate` headers; nil without a
    /// `traceparent`, or when it is not a valid W3C trace context of version 00. Following the
    /// W3C recommendation, an invalid `traceparent` is ignored (the request is served untraced,
    /// never refused), and an invalid `tracestate`, or one of more than 32 entries, is dropped
    /// while a valid `traceparent` is kept.
    package init?(traceParent: String?, traceState: String?) {
        guard let traceParent, let parent = try? TraceContext(traceParentHeaderValue: traceParent) else { return nil }
        let state = traceState.flatMap { try? TraceContext(traceParentHeaderValue: traceParent, traceStateHeaderValue: $0) }
        self.traceParent = parent.traceParentHeaderValue
        self.traceState = state.flatMap { $0.state.count <= Self.maxTraceStateEntries ? $0.traceStateHeaderValue : nil }
    }

    /// The most list members a `tracestate` may have (W3C Trace Context, level 1).
    static let maxTraceStateEntries = 32

    /// A context as it was stored, which `init?(traceParent:traceState:)` checked before.
    package init(stored traceParent: String, state traceState: String?) {
        self.traceParent = traceParent
        self.traceState = traceState
    }

    /// The trace's id: 32 lowercase hexadecimal digits.
    package var traceID: String {
        String(traceParent.dropFirst(3).prefix(32))
    }

    /// The context of a new span of the same trace, a child of this one: the same trace id, flags
    /// and trace state, and a random span id of its own (each attempt of a task is such a span).
    /// Nil when the stored value no longer parses.
    package func child() -> TaskTraceContext? {
        guard let parent = try? TraceContext(traceParentHeaderValue: traceParent, traceStateHeaderValue: traceState) else {
            return nil
        }
        let child = TraceContext(traceID: parent.traceID, spanID: .random(), flags: parent.flags, state: parent.state)
        return TaskTraceContext(stored: child.traceParentHeaderValue, state: child.traceStateHeaderValue)
    }

    /// The header that carries `traceParent`.
    package static let parentHeader = "traceparent"
    /// The header that carries `traceState`.
    package static let stateHeader = "tracestate"

    /// The context as the headers that carry it.
    package var headers: [String: String] {
        [Self.parentHeader: traceParent].merging(traceState.map { [Self.stateHeader: $0] } ?? [:]) { $1 }
    }

    /// The environment variables that hand this context to a command (`TRACEPARENT`, and
    /// `TRACESTATE` when there is a trace state), as `NAME=value` entries.
    package var environment: [String] {
        ["TRACEPARENT=\(traceParent)"] + (traceState.map { ["TRACESTATE=\($0)"] } ?? [])
    }
}
