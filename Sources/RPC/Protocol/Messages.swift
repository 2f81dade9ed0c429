/// Swift values of the messages in `proto/grpcapi.proto`. Field comments there describe each
/// field; `ProtobufCodec.swift` converts them to and from the protobuf wire format.

/// `grpcapi.TaskStatus`.
public enum WireTaskStatus: Int32, Sendable, Hashable {
    case queued = 0
    case started = 1
    case complete = 2
    case failed = 3
}

/// Coordinator → worker: run this task.
public struct TaskRequest: Sendable, Hashable {
    public var taskID: String
    public var data: String
    public var attempt: UInt32
    public var timeoutSeconds: UInt32
    /// Identifies this hand-off; reports about it carry it back. Empty when not sent.
    public var handoff: String
    /// Unix microseconds after which the coordinator has given up on the hand-off; 0: none.
    public var acceptBeforeMicros: Int64

    public init(
        taskID: String, data: String, attempt: UInt32 = 0, timeoutSeconds: UInt32 = 0, handoff: String = "",
        acceptBeforeMicros: Int64 = 0
    ) {
        self.taskID = taskID
        self.data = data
        self.attempt = attempt
        self.timeoutSeconds = timeoutSeconds
        self.handoff = handoff
        self.acceptBeforeMicros = acceptBeforeMicros
    }
}

public struct TaskResponse: Sendable, Hashable {
    public var taskID: String
    public var message: String
    public var success: Bool

    public init(taskID: String, message: String = "", success: Bool) {
        self.taskID = taskID
        self.message = message
        self.success = success
    }
}

/// Client → coordinator: run `data` now.
public struct ClientTaskRequest: Sendable, Hashable {
    public var data: String

    public init(data: String) {
        self.data = data
    }
}

public struct ClientTaskResponse: Sendable, Hashable {
    public var message: String
    public var taskID: String

    public init(message: String, taskID: String) {
        self.message = message
        self.taskID = taskID
    }
}

/// Worker → coordinator: I am alive at `address`.
public struct HeartbeatRequest: Sendable, Hashable {
    public var workerID: UInt32
    public var address: String
    /// 0 when the peer does not send it (the original contract).
    public var capacity: UInt32
    /// Tasks the worker takes now: free slots plus free prefetch places.
    public var freeSlots: UInt32
    /// The worker is shutting down and takes no new tasks.
    public var draining: Bool
    /// The tasks the worker holds, queued or running.
    public var heldTaskIDs: [String]
    /// Tasks it takes beyond its capacity now, to start as soon as a slot frees.
    public var prefetch: UInt32
    /// How it runs tasks (`shell`, `sleep`, `noop`); empty when the peer does not say.
    public var executor: String

    public init(
        workerID: UInt32, address: String, capacity: UInt32 = 0, freeSlots: UInt32 = 0, draining: Bool = false,
        heldTaskIDs: [String] = [], prefetch: UInt32 = 0, executor: String = ""
    ) {
        self.workerID = workerID
        self.address = address
        self.capacity = capacity
        self.freeSlots = freeSlots
        self.draining = draining
        self.heldTaskIDs = heldTaskIDs
        self.prefetch = prefetch
        self.executor = executor
    }
}

public struct HeartbeatResponse: Sendable, Hashable {
    public var acknowledged: Bool
    /// The coordinator's clock as it answered, Unix microseconds (0: not sent).
    public var coordinatorTimeMicros: Int64

    public init(acknowledged: Bool, coordinatorTimeMicros: Int64 = 0) {
        self.acknowledged = acknowledged
        self.coordinatorTimeMicros = coordinatorTimeMicros
    }
}

/// Worker → coordinator: how a task attempt is going.
public struct UpdateTaskStatusRequest: Sendable, Hashable {
    public var taskID: String
    public var status: WireTaskStatus
    /// Unix seconds (0: unset), as in the original contract.
    public var startedAt: Int64
    public var completedAt: Int64
    public var failedAt: Int64
    public var workerID: UInt32
    public var attempt: UInt32
    public var exitCode: Int32?
    public var output: String
    public var error: String
    /// Unix microseconds (0: unset); preferred over the second fields when set.
    public var startedAtMicros: Int64
    public var completedAtMicros: Int64
    public var failedAtMicros: Int64
    /// The hand-off the report is about (`TaskRequest.handoff`); empty when not sent.
    public var handoff: String
    /// The status number a peer sent when it is none of `WireTaskStatus` (proto3 enums are
    /// open): the message still decodes, and the receiver refuses the value. `status` is
    /// meaningless then.
    public var unrecognizedStatus: Int32?

    public init(
        taskID: String, status: WireTaskStatus, startedAt: Int64 = 0, completedAt: Int64 = 0,
        failedAt: Int64 = 0, workerID: UInt32 = 0, attempt: UInt32 = 0, exitCode: Int32? = nil,
        output: String = "", error: String = "", startedAtMicros: Int64 = 0,
        completedAtMicros: Int64 = 0, failedAtMicros: Int64 = 0, handoff: String = ""
    ) {
        self.handoff = handoff
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

public struct UpdateTaskStatusResponse: Sendable, Hashable {
    public var success: Bool

    public init(success: Bool) {
        self.success = success
    }
}

/// Coordinator → worker: stop this task.
public struct CancelTaskRequest: Sendable, Hashable {
    public var taskID: String

    public init(taskID: String) {
        self.taskID = taskID
    }
}

public struct CancelTaskResponse: Sendable, Hashable {
    /// Whether the worker held the task.
    public var found: Bool

    public init(found: Bool) {
        self.found = found
    }
}

/// Coordinator → worker: run these tasks (`SubmitTasks`).
public struct TaskBatchRequest: Sendable, Hashable {
    public var tasks: [TaskRequest]

    public init(tasks: [TaskRequest]) {
        self.tasks = tasks
    }
}

/// One response per task of a `TaskBatchRequest`, in its order.
public struct TaskBatchResponse: Sendable, Hashable {
    public var results: [TaskResponse]

    public init(results: [TaskResponse]) {
        self.results = results
    }
}

/// Worker → coordinator: several reports at once (`UpdateTaskStatuses`).
public struct UpdateTaskStatusBatchRequest: Sendable, Hashable {
    public var updates: [UpdateTaskStatusRequest]

    public init(updates: [UpdateTaskStatusRequest]) {
        self.updates = updates
    }
}

public struct UpdateTaskStatusBatchResponse: Sendable, Hashable {
    /// Reported tasks the coordinator does not know.
    public var unknownTaskIDs: [String]

    public init(unknownTaskIDs: [String] = []) {
        self.unknownTaskIDs = unknownTaskIDs
    }
}
