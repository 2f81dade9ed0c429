/// Swift values of the messages in `proto/grpcapi.proto`. Field comments there describe each
/// field; `ProtobufCodec.swift` converts them to and from the protobuf wire format.

/// `grpcapi.TaskStatus`.
package enum WireTaskStatus: Int32, Sendable, Hashable {
    case queued = 0
    case started = 1
    case complete = 2
    case failed = 3
}

/// Coordinator → worker: run this task.
package struct TaskRequest: Sendable, Hashable {
    package var taskID: String
    package var data: String
    package var attempt: UInt32
    package var timeoutSeconds: UInt32
    /// Identifies this hand-off; reports about it carry it back. Empty when not sent.
    package var handoff: String
    /// Unix microseconds after which the coordinator has given up on the hand-off; 0: none.
    package var acceptBeforeMicros: Int64
    /// The coordinator that made the hand-off; empty when not sent.
    package var coordinatorID: String
    /// The task's queue; empty when not sent.
    package var queue: String
    /// The W3C trace context of the attempt, a span of the task's trace; empty when the task has
    /// none or the peer did not send it.
    package var traceParent: String
    package var traceState: String

    package init(
        taskID: String, data: String, attempt: UInt32 = 0, timeoutSeconds: UInt32 = 0, handoff: String = "",
        acceptBeforeMicros: Int64 = 0, coordinatorID: String = "", queue: String = "", traceParent: String = "",
        traceState: String = ""
    ) {
        self.taskID = taskID
        self.data = data
        self.attempt = attempt
        self.timeoutSeconds = timeoutSeconds
        self.handoff = handoff
        self.acceptBeforeMicros = acceptBeforeMicros
        self.coordinatorID = coordinatorID
        self.queue = queue
        self.traceParent = traceParent
        self.traceState = traceState
    }
}

package struct TaskResponse: Sendable, Hashable {
    package var taskID: String
    package var message: String
    package var success: Bool

    package init(taskID: String, message: String = "", success: Bool) {
        self.taskID = taskID
        self.message = message
        self.success = success
    }
}

/// Client → coordinator: run `data` now.
package struct ClientTaskRequest: Sendable, Hashable {
    package var data: String

    package init(data: String) {
        self.data = data
    }
}

package struct ClientTaskResponse: Sendable, Hashable {
    package var message: String
    package var taskID: String

    package init(message: String, taskID: String) {
        self.message = message
        self.taskID = taskID
    }
}

/// Worker → coordinator: I am alive at `address`.
package struct HeartbeatRequest: Sendable, Hashable {
    package var workerID: UInt32
    package var address: String
    /// 0 when the peer does not send it (the original contract).
    package var capacity: UInt32
    /// Tasks the worker takes now: free slots plus free prefetch places.
    package var freeSlots: UInt32
    /// The worker is shutting down and takes no new tasks.
    package var draining: Bool
    /// The tasks the worker holds, queued or running.
    package var heldTaskIDs: [String]
    /// Tasks it takes beyond its capacity now, to start as soon as a slot frees.
    package var prefetch: UInt32
    /// How it runs tasks (`shell`, `sleep`, `noop`); empty when the peer does not say.
    package var executor: String
    /// The queues it takes tasks from; empty: every queue.
    package var queues: [String]

    package init(
        workerID: UInt32, address: String, capacity: UInt32 = 0, freeSlots: UInt32 = 0, draining: Bool = false,
        heldTaskIDs: [String] = [], prefetch: UInt32 = 0, executor: String = "", queues: [String] = []
    ) {
        self.workerID = workerID
        self.address = address
        self.capacity = capacity
        self.freeSlots = freeSlots
        self.draining = draining
        self.heldTaskIDs = heldTaskIDs
        self.prefetch = prefetch
        self.executor = executor
        self.queues = queues
    }
}

package struct HeartbeatResponse: Sendable, Hashable {
    package var acknowledged: Bool
    /// The coordinator's clock as it answered, Unix microseconds (0: not sent).
    package var coordinatorTimeMicros: Int64
    /// Which coordinator answered; empty when not sent.
    package var coordinatorID: String
    /// How long the coordinator keeps the worker registered without a heartbeat, in
    /// microseconds; 0 when not sent.
    package var heartbeatTimeoutMicros: Int64
    /// The queues that are paused: the worker hands back their tasks it has not started.
    package var pausedQueues: [String]

    package init(
        acknowledged: Bool, coordinatorTimeMicros: Int64 = 0, coordinatorID: String = "", heartbeatTimeoutMicros: Int64 = 0,
        pausedQueues: [String] = []
    ) {
        self.acknowledged = acknowledged
        self.coordinatorTimeMicros = coordinatorTimeMicros
        self.coordinatorID = coordinatorID
        self.heartbeatTimeoutMicros = heartbeatTimeoutMicros
        self.pausedQueues = pausedQueues
    }
}

/// Worker → coordinator: how a task attempt is going.
package struct UpdateTaskStatusRequest: Sendable, Hashable {
    package var taskID: String
    package var status: WireTaskStatus
    /// Unix seconds (0: unset), as in the original contract.
    package var startedAt: Int64
    package var completedAt: Int64
    package var failedAt: Int64
    package var workerID: UInt32
    package var attempt: UInt32
    package var exitCode: Int32?
    package var output: String
    package var error: String
    /// Unix microseconds (0: unset); preferred over the second fields when set.
    package var startedAtMicros: Int64
    package var completedAtMicros: Int64
    package var failedAtMicros: Int64
    /// The hand-off the report is about (`TaskRequest.handoff`); empty when not sent.
    package var handoff: String
    /// How many bytes the task printed in all (0: not sent); `output` keeps at most the worker's
    /// output limit of them.
    package var outputBytes: UInt64
    /// Whether `output` leaves out part of what the task printed.
    package var outputTruncated: Bool
    /// The attempt's span (`TaskRequest.traceParent`); empty when untraced or not sent.
    package var traceParent: String
    /// Unix microseconds when the attempt's command started (0: not sent), for the span of its
    /// run; it never marks the task started.
    package var attemptStartedAtMicros: Int64
    /// The status number a peer sent when it is none of `WireTaskStatus` (proto3 enums are
    /// open): the message still decodes, and the receiver refuses the value. `status` is
    /// meaningless then.
    package var unrecognizedStatus: Int32?

    package init(
        taskID: String, status: WireTaskStatus, startedAt: Int64 = 0, completedAt: Int64 = 0,
        failedAt: Int64 = 0, workerID: UInt32 = 0, attempt: UInt32 = 0, exitCode: Int32? = nil,
        output: String = "", error: String = "", startedAtMicros: Int64 = 0,
        completedAtMicros: Int64 = 0, failedAtMicros: Int64 = 0, handoff: String = "", outputBytes: UInt64 = 0,
        outputTruncated: Bool = false, traceParent: String = "", attemptStartedAtMicros: Int64 = 0
    ) {
        self.traceParent = traceParent
        self.attemptStartedAtMicros = attemptStartedAtMicros
        self.handoff = handoff
        self.outputBytes = outputBytes
        self.outputTruncated = outputTruncated
        self.taskID = taskID
        self.status = status
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.failedAt = failedAt
        self.workerID = workerID
        self.attempt = attempt
        self.exitCode = exitCode
        self.output = output
        self.error = error
        self.startedAtMicros = startedAtMicros
        self.completedAtMicros = completedAtMicros
        self.failedAtMicros = failedAtMicros
    }
}

package struct UpdateTaskStatusResponse: Sendable, Hashable {
    package var success: Bool

    package init(success: Bool) {
        self.success = success
    }
}

/// Coordinator → worker: stop this task.
package struct CancelTaskRequest: Sendable, Hashable {
    package var taskID: String

    package init(taskID: String) {
        self.taskID = taskID
    }
}

package struct CancelTaskResponse: Sendable, Hashable {
    /// Whether the worker held the task.
    package var found: Bool

    package init(found: Bool) {
        self.found = found
    }
}

/// Coordinator → worker: run these tasks (`SubmitTasks`).
package struct TaskBatchRequest: Sendable, Hashable {
    package var tasks: [TaskRequest]

    package init(tasks: [TaskRequest]) {
        self.tasks = tasks
    }
}

/// One response per task of a `TaskBatchRequest`, in its order.
package struct TaskBatchResponse: Sendable, Hashable {
    package var results: [TaskResponse]

    package init(results: [TaskResponse]) {
        self.results = results
    }
}

/// Worker → coordinator: several reports at once (`UpdateTaskStatuses`).
package struct UpdateTaskStatusBatchRequest: Sendable, Hashable {
    package var updates: [UpdateTaskStatusRequest]

    package init(updates: [UpdateTaskStatusRequest]) {
        self.updates = updates
    }
}

package struct UpdateTaskStatusBatchResponse: Sendable, Hashable {
    /// Reported tasks the coordinator does not know.
    package var unknownTaskIDs: [String]

    package init(unknownTaskIDs: [String] = []) {
        self.unknownTaskIDs = unknownTaskIDs
    }
}

/// Output a running task printed since its previous chunk, as text.
package struct TaskOutputChunk: Sendable, Hashable {
    package var taskID: String
    package var attempt: UInt32
    /// The hand-off the chunk is about (`TaskRequest.handoff`).
    package var handoff: String
    /// Where the chunk starts among the bytes the command printed.
    package var byteOffset: UInt64
    /// How many printed bytes the chunk holds (its text may differ: invalid bytes are replaced).
    package var byteCount: UInt32
    package var text: String

    package init(taskID: String, attempt: UInt32, handoff: String, byteOffset: UInt64, byteCount: UInt32, text: String) {
        self.taskID = taskID
        self.attempt = attempt
        self.handoff = handoff
        self.byteOffset = byteOffset
        self.byteCount = byteCount
        self.text = text
    }
}

/// Worker → coordinator: live output of the tasks it runs.
package struct TaskOutputRequest: Sendable, Hashable {
    package var chunks: [TaskOutputChunk]

    package init(chunks: [TaskOutputChunk]) {
        self.chunks = chunks
    }
}

package struct TaskOutputResponse: Sendable, Hashable {
    /// Chunks stored; those of tasks the sender no longer holds are dropped.
    package var stored: UInt32

    package init(stored: UInt32) {
        self.stored = stored
    }
}
