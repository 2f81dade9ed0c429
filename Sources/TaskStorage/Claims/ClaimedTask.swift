package import struct Foundation.UUID
import APIModels
package import TracePropagation

/// A task a coordinator took from the queue to hand to a worker.
package struct ClaimedTask: Sendable, Hashable {
    package var id: UUID
    package var command: String
    /// This attempt's number, starting at 1.
    package var attempt: Int
    package var timeoutSeconds: Int?
    /// The worker it is recorded as held by, once chosen.
    package var workerID: UInt32?
    /// The token of this hand-off, which the worker's reports must carry back.
    package var handoff: UUID
    package var queue: String
    /// The W3C trace context the task keeps; each attempt runs in a span of its own of that trace.
    package var traceContext: TaskTraceContext?
    /// The span of the attempt before this one, which this attempt's spans link to; nil
    /// for a first attempt, an untraced task, or an attempt that ended without a report.
    package var previousAttempt: TaskTraceContext?

    package init(
        id: UUID, command: String, attempt: Int, timeoutSeconds: Int?, workerID: UInt32? = nil, handoff: UUID,
        queue: String = QueueRules.defaultQueue, traceContext: TaskTraceContext? = nil, previousAttempt: TaskTraceContext? = nil
    ) {
        self.id = id
        self.command = command
        self.attempt = attempt
        self.timeoutSeconds = timeoutSeconds
        self.workerID = workerID
        self.handoff = handoff
        self.queue = queue
        self.traceContext = traceContext
        self.previousAttempt = previousAttempt
    }
}
