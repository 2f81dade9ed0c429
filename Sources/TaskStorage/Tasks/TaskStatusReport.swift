import APIModels
package import struct Foundation.UUID
package import Core

/// What a worker said about one attempt of a task, in domain terms.
package struct TaskStatusReport: Sendable, Hashable {
    package enum Outcome: Sendable, Hashable {
        case started
        case completed
        case failed
        /// The worker gives the task back unrun (QUEUED on the wire), for example while draining.
        case handedBack
    }

    package var taskID: UUID
    package var outcome: Outcome
    /// When it happened by the worker's clock; nil means "now" by the database clock.
    package var time: Timestamp?
    /// When the attempt started, carried by a final report that stands in for its STARTED
    /// report (a worker merges the two when both wait to be sent).
    package var startTime: Timestamp?
    package var workerID: UInt32?
    /// The attempt the report is about; nil when the peer does not say (the original contract).
    package var attempt: Int?
    /// The hand-off the report is about; nil when the peer does not say.
    package var handoff: UUID?
    package var exitCode: Int32?
    package var output: String?
    /// How many bytes the attempt printed in all; nil when the peer does not say (then it is
    /// taken to be the size of `output`).
    package var outputBytes: Int64?
    /// Whether `output` leaves part of what the attempt printed out.
    package var outputTruncated: Bool
    package var error: String?
    /// The attempt's span (a W3C traceparent); nil when untraced or not sent.
    package var attemptTraceParent: String?
    /// When the attempt's command started, for the span of its run; nil when not sent. Unlike
    /// `startTime` it never marks the task started.
    package var attemptStart: Timestamp?

    package init(
        taskID: UUID, outcome: Outcome, time: Timestamp? = nil, startTime: Timestamp? = nil, workerID: UInt32? = nil, attempt: Int? = nil,
        handoff: UUID? = nil, exitCode: Int32? = nil, output: String? = nil, outputBytes: Int64? = nil,
        outputTruncated: Bool = false, error: String? = nil, attemptTraceParent: String? = nil, attemptStart: Timestamp? = nil
    ) {
        self.attemptTraceParent = attemptTraceParent
        self.attemptStart = attemptStart
        self.taskID = taskID
        self.handoff = handoff
        self.outcome = outcome
        self.time = time
        self.startTime = startTime
        self.workerID = workerID
        self.attempt = attempt
        self.exitCode = exitCode
        self.output = output
        self.outputBytes = outputBytes
        self.outputTruncated = outputTruncated
        self.error = error
    }
}

/// What recording a report did.
package enum TaskStatusReportResult: Sendable, Hashable {
    /// Applied; `workerID` is the worker that held the task, when known. `requeued`: a failed
    /// attempt went back in the queue for a retry. `startDelay`: for the report that first marks
    /// an attempt started, how long after it was due the task started. `queue`: the task's queue.
    case recorded(workerID: UInt32?, requeued: Bool = false, startDelay: Duration? = nil, queue: String = QueueRules.defaultQueue)
    /// The task exists but the report does not apply: it is finished or cancelled, or the report
    /// is not from the holder of its current hand-off.
    case ignored
    case notFound
}
