public import Logging
import struct Foundation.UUID

/// The coordinator's side of `grpcapi.CoordinatorService`.
public struct CoordinatorRPCService: Sendable {
    private let store: TaskStore
    private let registry: WorkerRegistry
    private let dispatcher: Dispatcher
    private let leaseDuration: Duration
    private let logger: Logger

    public init(
        store: TaskStore, registry: WorkerRegistry, dispatcher: Dispatcher, leaseDuration: Duration, logger: Logger
    ) {
        self.store = store
        self.registry = registry
        self.dispatcher = dispatcher
        self.leaseDuration = leaseDuration
        self.logger = logger
    }

    /// The routes of every CoordinatorService method.
    public func router() -> GRPCRouter {
        var router = GRPCRouter()
        router.register(GRPCAPIMethods.coordinatorSubmitTask) { request, _ in try await submitTask(request) }
        router.register(GRPCAPIMethods.sendHeartbeat) { request, _ in await sendHeartbeat(request) }
        router.register(GRPCAPIMethods.updateTaskStatus) { request, _ in try await updateTaskStatus(request) }
        return router
    }

    /// Persists a task due now, then hands it to a worker at once.
    public func submitTask(_ request: ClientTaskRequest) async throws -> ClientTaskResponse {
        guard !registry.isEmpty else {
            throw GRPCStatus(code: .unavailable, message: "no workers available")
        }
        let task = try await store.insertClaimedTask(command: request.data, lease: leaseDuration)
        let taskID = task.id.uuidString.lowercased()
        logger.info("task submitted", metadata: [LogKey.taskID: "\(taskID)"])
        let accepted = await dispatcher.handOff([task])
        if accepted == 0 { dispatcher.wake() }
        let message = accepted == 1 ? "Task submitted successfully" : "Task queued: no worker slot free yet"
        return ClientTaskResponse(message: message, taskID: taskID)
    }

    /// Registers or refreshes the worker and renews the leases of the tasks it holds. A worker
    /// that lists its tasks renews exactly those, so a task it no longer holds (its report was
    /// lost) runs out of lease and is run again; one that does not renews all tasks assigned to it.
    public func sendHeartbeat(_ request: HeartbeatRequest) async -> HeartbeatResponse {
        if registry.heartbeat(request) {
            logger.info(
                "worker registered",
                metadata: [LogKey.workerID: "\(request.workerID)", LogKey.address: "\(request.address)"])
            dispatcher.wake()
        }
        do {
            if request.capacity > 0 {
                try await store.renewLeases(of: request.heldTaskIDs.compactMap(UUID.init(uuidString:)), lease: leaseDuration)
            } else {
                try await store.renewLeases(ofWorker: request.workerID, lease: leaseDuration)
            }
        } catch {
            logger.warning("renewing leases failed", metadata: [LogKey.workerID: "\(request.workerID)", LogKey.error: "\(error)"])
        }
        return HeartbeatResponse(acknowledged: true)
    }

    public func updateTaskStatus(_ request: UpdateTaskStatusRequest) async throws -> UpdateTaskStatusResponse {
        guard let taskID = UUID(uuidString: request.taskID) else {
            throw GRPCStatus(code: .invalidArgument, message: "malformed task_id '\(request.taskID)': expected a UUID")
        }
        let report = TaskStatusReport(request, taskID: taskID)
        let result = try await store.record(report)
        var metadata: Logger.Metadata = [LogKey.taskID: "\(request.taskID)", LogKey.status: "\(report.outcome)"]
        switch result {
        case .notFound:
            throw GRPCStatus(code: .notFound, message: "no task with id \(request.taskID)")
        case .ignored:
            logger.info("stale status report ignored", metadata: metadata)
            releaseSlot(after: report, heldBy: report.workerID)
        case .recorded(let workerID, let requeued, let startDelay):
            TaskMetrics.recorded(report.outcome, requeued: requeued, startDelay: startDelay)
            metadata[LogKey.workerID] = workerID.map { "\($0)" }
            logger.info("task status recorded", metadata: metadata)
            releaseSlot(after: report, heldBy: workerID ?? report.workerID)
        }
        return UpdateTaskStatusResponse(success: true)
    }

    /// A final report frees the worker's slot, whether or not it still changed the task.
    private func releaseSlot(after report: TaskStatusReport, heldBy workerID: UInt32?) {
        guard report.outcome != .started, let workerID else { return }
        registry.releaseSlot(of: workerID)
        dispatcher.wake()
    }
}

extension TaskStatusReport {
    /// The domain report carried by a wire message.
    init(_ request: UpdateTaskStatusRequest, taskID: UUID) {
        let outcome: Outcome
        let micros: Int64
        let seconds: Int64
        switch request.status {
        case .queued: (outcome, micros, seconds) = (.handedBack, 0, 0)
        case .started: (outcome, micros, seconds) = (.started, request.startedAtMicros, request.startedAt)
        case .complete: (outcome, micros, seconds) = (.completed, request.completedAtMicros, request.completedAt)
        case .failed: (outcome, micros, seconds) = (.failed, request.failedAtMicros, request.failedAt)
        }
        let time: Timestamp? =
            micros != 0 ? Timestamp(microsecondsSinceEpoch: micros)
            : seconds != 0 ? Timestamp(microsecondsSinceEpoch: seconds &* 1_000_000) : nil
        self.init(
            taskID: taskID, outcome: outcome, time: time,
            workerID: request.workerID == 0 ? nil : request.workerID,
            attempt: request.attempt == 0 ? nil : Int(request.attempt),
            exitCode: request.exitCode,
            output: request.output.isEmpty ? nil : request.output,
            error: request.error.isEmpty ? nil : request.error)
    }
}
