package import Logging
import struct Foundation.UUID
import Core
package import RPC
package import SpanExport
package import TaskStorage
import TracePropagation

/// The coordinator's side of `grpcapi.CoordinatorService`.
package struct CoordinatorRPCService: Sendable {
    private let store: TaskStore
    private let registry: WorkerRegistry
    private let dispatcher: Dispatcher
    private let leaseDuration: Duration
    private let heartbeatTimeout: Duration
    private let presence: PresenceRecord
    private let leaseRecovery: LeaseRecoveryGate
    private let restrictions: QueueRestrictions
    private let spans: TaskSpans
    private let logger: Logger

    /// `heartbeatTimeout`: how long a worker stays registered without a heartbeat; with the age
    /// of the coordinator's row in `presence` it makes the registration every acknowledgement
    /// grants.
    package init(
        store: TaskStore, registry: WorkerRegistry, dispatcher: Dispatcher, leaseDuration: Duration,
        heartbeatTimeout: Duration, presence: PresenceRecord, leaseRecovery: LeaseRecoveryGate,
        restrictions: QueueRestrictions, spans: TaskSpans = .disabled, logger: Logger
    ) {
        self.spans = spans
        self.store = store
        self.registry = registry
        self.dispatcher = dispatcher
        self.leaseDuration = leaseDuration
        self.heartbeatTimeout = heartbeatTimeout
        self.presence = presence
        self.leaseRecovery = leaseRecovery
        self.restrictions = restrictions
        self.logger = logger
    }

    /// The routes of every CoordinatorService method.
    package func router() -> GRPCRouter {
        var router = GRPCRouter()
        router.register(GRPCAPIMethods.coordinatorSubmitTask) { request, _ in try await submitTask(request) }
        router.register(GRPCAPIMethods.sendHeartbeat) { request, _ in try await sendHeartbeat(request) }
        router.register(GRPCAPIMethods.updateTaskStatus) { request, _ in try await updateTaskStatus(request) }
        router.register(GRPCAPIMethods.updateTaskStatuses) { request, _ in try await updateTaskStatuses(request) }
        router.register(GRPCAPIMethods.appendTaskOutput) { request, _ in try await appendTaskOutput(request) }
        return router
    }

    /// Persists a task due now; the dispatcher hands it to the next worker in the rotation at once.
    package func submitTask(_ request: ClientTaskRequest) async throws -> ClientTaskResponse {
        guard !registry.isEmpty else {
            throw GRPCStatus(code: .unavailable, message: "no workers available")
        }
        let taskID = try await store.insertTaskDueNow(command: request.data).text
        logger.debug("task submitted", metadata: [LogKey.taskID: "\(taskID)"])
        dispatcher.wake()
        return ClientTaskResponse(message: "Task submitted successfully", taskID: taskID)
    }

    /// Registers or refreshes the worker and renews the leases of the tasks it holds, adopting
    /// them when it held them through another coordinator before. A worker that lists its tasks
    /// renews exactly those, so a task it no longer holds (its report was lost) runs out of lease
    /// and is run again; one that does not renews all tasks assigned to it. Tasks of unanswered
    /// hand-offs the worker shows it does not hold go back in the queue. When the leases cannot
    /// be written, or this coordinator's row of the coordinators table is too old to grant a
    /// registration, the heartbeat fails with UNAVAILABLE: a worker that can reach another
    /// coordinator moves there rather than let its tasks go stale here. The acknowledgement
    /// tells the worker this coordinator's id, its clock and how long the registration lasts.
    package func sendHeartbeat(_ request: HeartbeatRequest) async throws -> HeartbeatResponse {
        guard request.workerID != 0 else {
            throw GRPCStatus(code: .invalidArgument, message: "workerId must not be 0")
        }
        guard let address = try? ListenAddress(parsing: request.address), !address.host.isEmpty, address.port != 0 else {
            throw GRPCStatus(
                code: .invalidArgument,
                message: "address \(request.address.quotedExcerpt()) is not the host:port the worker's WorkerService listens on")
        }
        let outcome = registry.heartbeat(request)
        if outcome.registeredWorker {
            logger.info(
                "worker registered",
                metadata: [LogKey.workerID: "\(request.workerID)", LogKey.address: "\(request.address)"])
        }
        // A dispatcher that counted no free slot sleeps a whole poll interval: wake it for these.
        if outcome.registeredWorker || outcome.freedSlots {
            dispatcher.wake()
        }
        if !outcome.unheldHandOffs.isEmpty {
            await returnUnheld(outcome.unheldHandOffs, of: request.workerID)
        }
        do {
            if request.capacity > 0 {
                try await store.renewLeases(
                    of: request.heldTaskIDs.compactMap(UUID.init(text:)), heldBy: request.workerID, lease: leaseDuration)
            } else {
                try await store.renewLeases(ofWorker: request.workerID, lease: leaseDuration)
            }
        } catch {
            leaseRecovery.databaseFailed()
            logger.warning("renewing leases failed", metadata: [LogKey.workerID: "\(request.workerID)", LogKey.error: "\(error)"])
            throw GRPCStatus(code: .unavailable, message: "cannot renew the worker's leases: the database is unavailable")
        }
        guard let term = presence.registrationTerm(heartbeatTimeout: heartbeatTimeout) else {
            throw GRPCStatus(code: .unavailable, message: "this coordinator cannot keep its row of the coordinators table fresh")
        }
        return HeartbeatResponse(
            acknowledged: true, coordinatorTimeMicros: Timestamp.now().microsecondsSinceEpoch,
            coordinatorID: store.coordinatorID?.text ?? "", heartbeatTimeoutMicros: term.microseconds,
            pausedQueues: restrictions.paused)
    }

    /// Puts back in the queue the tasks of unanswered hand-offs that a worker does not hold.
    private func returnUnheld(_ tasks: [ClaimedTask], of workerID: UInt32) async {
        do {
            try await store.returnToQueue(tasks)
            logger.info(
                "tasks of unanswered hand-offs returned to the queue: the worker does not hold them",
                metadata: [LogKey.workerID: "\(workerID)", LogKey.count: "\(tasks.count)"])
            dispatcher.wake()
        } catch {
            logger.error(
                "returning tasks of unanswered hand-offs to the queue failed; their leases will",
                metadata: [LogKey.workerID: "\(workerID)", LogKey.error: "\(error)"])
        }
    }

    /// Stores the live output of running tasks; a chunk of a task that the sender's hand-off no
    /// longer holds is dropped.
    package func appendTaskOutput(_ request: TaskOutputRequest) async throws -> TaskOutputResponse {
        let chunks = try request.chunks.map { chunk in
            guard let taskID = UUID(text: chunk.taskID), let handoff = UUID(text: chunk.handoff) else {
                throw GRPCStatus(
                    code: .invalidArgument,
                    message: "a chunk of output needs a task_id and a handoff that are UUIDs, not \(chunk.taskID.quotedExcerpt()) and \(chunk.handoff.quotedExcerpt())")
            }
            return LiveOutputChunk(
                taskID: taskID, handoff: handoff, byteOffset: Int64(clamping: chunk.byteOffset), byteCount: Int(chunk.byteCount),
                text: chunk.text)
        }
        return TaskOutputResponse(stored: UInt32(clamping: try await store.appendLiveOutput(chunks)))
    }

    /// Applies one report; `success` is false when it changed nothing (the task is finished, or
    /// the sender does not hold its current hand-off).
    package func updateTaskStatus(_ request: UpdateTaskStatusRequest) async throws -> UpdateTaskStatusResponse {
        switch try await apply([request])[0] {
        case .notFound: throw GRPCStatus(code: .notFound, message: "no task with id \(request.taskID.quotedExcerpt())")
        case .ignored: return UpdateTaskStatusResponse(success: false)
        case .recorded: return UpdateTaskStatusResponse(success: true)
        }
    }

    /// Applies a worker's reports with one statement (one commit) and names the unknown tasks.
    package func updateTaskStatuses(_ request: UpdateTaskStatusBatchRequest) async throws -> UpdateTaskStatusBatchResponse {
        let results = try await apply(request.updates)
        return UpdateTaskStatusBatchResponse(
            unknownTaskIDs: zip(request.updates, results).filter { $0.1 == .notFound }.map(\.0.taskID))
    }

    /// Records `requests`, logs and counts what each did, frees the slots of finished attempts,
    /// and returns what each did.
    private func apply(_ requests: [UpdateTaskStatusRequest]) async throws -> [TaskStatusReportResult] {
        let reports = try requests.map { request in
            guard let taskID = UUID(text: request.taskID) else {
                throw GRPCStatus(
                    code: .invalidArgument, message: "malformed task_id \(request.taskID.quotedExcerpt()): expected a UUID")
            }
            guard request.handoff.isEmpty || UUID(text: request.handoff) != nil else {
                throw GRPCStatus(
                    code: .invalidArgument, message: "malformed handoff \(request.handoff.quotedExcerpt()): expected a UUID")
            }
            if let status = request.unrecognizedStatus {
                throw GRPCStatus(
                    code: .invalidArgument,
                    message: "status \(status) of task \(request.taskID) is none of QUEUED (0), STARTED (1), COMPLETE (2), FAILED (3)")
            }
            return TaskStatusReport(request, taskID: taskID)
        }
        let recording = spans.startRecording(reports)
        let results: [TaskStatusReportResult]
        do {
            results = try await store.record(reports, originalContractHolders: registry.originalContractWorkerIDs)
        } catch {
            for span in recording {
                span?.fail("\(error)")
                span?.end()
            }
            throw error
        }
        for (span, result) in zip(recording, results) {
            span?.set(SpanAttribute.reportResult, result.name)
            span?.end()
        }
        var freedSlot = false
        for (request, (report, result)) in zip(requests, zip(reports, results)) {
            // Metadata is built only when the level is on: this runs for every report.
            func metadata(workerID: UInt32? = nil) -> Logger.Metadata {
                [LogKey.taskID: "\(request.taskID)", LogKey.status: "\(report.outcome)", LogKey.workerID: workerID.map { "\($0)" }]
                    .compactMapValues { $0 }
            }
            switch result {
            case .notFound:
                break
            case .ignored:
                logger.info("status report ignored: the task is finished or the sender does not hold it", metadata: metadata())
                freedSlot = releaseSlot(after: report, heldBy: report.workerID) || freedSlot
            case .recorded(let workerID, let requeued, let startDelay, let queue):
                TaskMetrics.recorded(report.outcome, requeued: requeued, startDelay: startDelay, queue: queue)
                // A start or a success is routine (debug); a failure or a hand-back is news.
                let level: Logger.Level = report.outcome == .started || report.outcome == .completed ? .debug : .info
                logger.log(level: level, "task status recorded", metadata: metadata(workerID: workerID))
                freedSlot = releaseSlot(after: report, heldBy: workerID ?? report.workerID) || freedSlot
            }
        }
        if freedSlot { dispatcher.wake() }
        return results
    }

    /// A final report frees the worker's slot, whether or not it still changed the task.
    /// Returns whether it freed one.
    private func releaseSlot(after report: TaskStatusReport, heldBy workerID: UInt32?) -> Bool {
        guard report.outcome != .started, let workerID else { return false }
        registry.releaseSlot(of: workerID)
        return true
    }
}

extension TaskStatusReport {
    /// The domain report carried by a wire message.
    init(_ request: UpdateTaskStatusRequest, taskID: UUID) {
        let outcome: Outcome
        let micros: Int64
        let seconds: Int64
        let startTime = Timestamp(wireMicroseconds: request.startedAtMicros, seconds: request.startedAt)
        switch request.status {
        case .queued: (outcome, micros, seconds) = (.handedBack, 0, 0)
        case .started: (outcome, micros, seconds) = (.started, request.startedAtMicros, request.startedAt)
        case .complete: (outcome, micros, seconds) = (.completed, request.completedAtMicros, request.completedAt)
        case .failed: (outcome, micros, seconds) = (.failed, request.failedAtMicros, request.failedAt)
        }
        self.init(
            taskID: taskID, outcome: outcome, time: Timestamp(wireMicroseconds: micros, seconds: seconds),
            startTime: startTime,
            workerID: request.workerID == 0 ? nil : request.workerID,
            attempt: request.attempt == 0 ? nil : Int(request.attempt),
            handoff: UUID(text: request.handoff),
            exitCode: request.exitCode,
            output: request.output.isEmpty ? nil : request.output,
            outputBytes: request.outputBytes == 0 ? nil : Int64(clamping: request.outputBytes),
            outputTruncated: request.outputTruncated,
            error: request.error.isEmpty ? nil : request.error,
            attemptTraceParent: TaskTraceContext(traceParent: request.traceParent.isEmpty ? nil : request.traceParent, traceState: nil)?
                .traceParent,
            attemptStart: Timestamp(wireMicroseconds: request.attemptStartedAtMicros, seconds: 0))
    }
}

extension TaskStatusReportResult {
    /// What the report did, in a word.
    fileprivate var name: String {
        switch self {
        case .recorded: "recorded"
        case .ignored: "ignored"
        case .notFound: "notFound"
        }
    }
}

extension Timestamp {
    /// A time sent as microseconds, else as seconds (the original contract); nil when neither is set.
    init?(wireMicroseconds micros: Int64, seconds: Int64) {
        guard micros != 0 || seconds != 0 else { return nil }
        self.init(microsecondsSinceEpoch: micros != 0 ? micros : seconds &* 1_000_000)
    }
}
