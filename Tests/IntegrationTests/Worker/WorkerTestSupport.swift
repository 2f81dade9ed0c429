import Logging
import Synchronization
import Testing

@testable import Core
@testable import RPC
@testable import WorkerService

/// An in-process CoordinatorService that records what workers tell it. A final report that
/// carries the start of an attempt whose STARTED report was merged into it is recorded as both.
/// Without `servesBatches` it answers UpdateTaskStatuses UNIMPLEMENTED, as the original contract.
/// Its heartbeat replies tell the time of a clock `clockOffset` off this host's.
final class RecordingCoordinator: Sendable {
    private let recorded = Mutex(
        (reports: [UpdateTaskStatusRequest](), heartbeats: [HeartbeatRequest](), batchSizes: [Int]()))
    private let servesBatches: Bool
    private let clockOffset: Duration

    init(servesBatches: Bool = true, clockOffset: Duration = .zero) {
        self.servesBatches = servesBatches
        self.clockOffset = clockOffset
    }

    var reports: [UpdateTaskStatusRequest] { recorded.withLock { $0.reports } }
    /// The number of reports in each UpdateTaskStatuses call.
    var batchSizes: [Int] { recorded.withLock { $0.batchSizes } }
    var heartbeats: [HeartbeatRequest] { recorded.withLock { $0.heartbeats } }

    func reports(of taskID: String) -> [UpdateTaskStatusRequest] {
        reports.filter { $0.taskID == taskID }
    }

    /// The reports that end an attempt: COMPLETE, FAILED or QUEUED.
    func finalReports(of taskID: String) -> [UpdateTaskStatusRequest] {
        reports(of: taskID).filter { $0.status != .started }
    }

    func router() -> GRPCRouter {
        var router = GRPCRouter()
        router.register(GRPCAPIMethods.updateTaskStatus) { (request: UpdateTaskStatusRequest, _) in
            self.record([request])
            return UpdateTaskStatusResponse(success: true)
        }
        if servesBatches {
            router.register(GRPCAPIMethods.updateTaskStatuses) { (request: UpdateTaskStatusBatchRequest, _) in
                self.recorded.withLock { $0.batchSizes.append(request.updates.count) }
                self.record(request.updates)
                return UpdateTaskStatusBatchResponse()
            }
        }
        router.register(GRPCAPIMethods.sendHeartbeat) { (request: HeartbeatRequest, _) in
            self.recorded.withLock { $0.heartbeats.append(request) }
            return HeartbeatResponse(
                acknowledged: true,
                coordinatorTimeMicros: Timestamp.now().microsecondsSinceEpoch + self.clockOffset.microseconds)
        }
        return router
    }
}

extension RecordingCoordinator {
    fileprivate func record(_ requests: [UpdateTaskStatusRequest]) {
        recorded.withLock { recorded in
            for request in requests {
                let startedEarlier = recorded.reports.contains {
                    $0.taskID == request.taskID && $0.attempt == request.attempt && $0.status == .started
                }
                if request.status != .started, request.startedAtMicros != 0, !startedEarlier {
                    var started = request
                    started.status = .started
                    recorded.reports.append(started)
                }
                recorded.reports.append(request)
            }
        }
    }
}

/// Holds every task it runs until the test opens it.
final class GateExecutor: TaskExecutor {
    private let gate = OneShot<Void>()

    func open() { gate.fulfil(()) }

    func execute(_ task: TaskRequest) async -> ExecutionOutcome {
        await gate.value
        return ExecutionOutcome(succeeded: true)
    }
}

/// A worker's client of the coordinator listening on `port` on this host.
func makeCoordinatorClient(port: Int) -> FailoverGRPCClient {
    FailoverGRPCClient(servers: [ListenAddress(host: "127.0.0.1", port: port)], logger: rpcTestLogger)
}

/// A runner reporting to a recording coordinator, running for the duration of `body`; the
/// runner is drained and must have stopped when `body` returns.
func withRunner<Result: Sendable>(
    capacity: Int, prefetch: Int, drainTimeout: Duration = .seconds(30), executor: any TaskExecutor,
    coordinator: RecordingCoordinator = RecordingCoordinator(),
    _ body: @Sendable (TaskRunner, RecordingCoordinator, Int) async throws -> Result
) async throws -> Result {
    return try await withTestServer(router: coordinator.router()) { _, port in
        let client = makeCoordinatorClient(port: port)
        let runner = TaskRunner(
            capacity: capacity, prefetch: prefetch, drainTimeout: drainTimeout, executor: executor,
            reporter: StatusReporter(client: client, logger: rpcTestLogger), workerID: 7, logger: rpcTestLogger)
        let result = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await runner.run() }
            let result = try await body(runner, coordinator, port)
            runner.drain()
            try await group.waitForAll()
            return result
        }
        await client.close()
        return result
    }
}

/// The most attempts whose [started, finished] intervals overlap at one instant.
func maximumOverlap(of reports: [UpdateTaskStatusRequest]) -> Int {
    var events: [(time: Int64, change: Int)] = []
    for report in reports {
        switch report.status {
        case .started: events.append((report.startedAtMicros, 1))
        case .complete: events.append((report.completedAtMicros, -1))
        case .failed: events.append((report.failedAtMicros, -1))
        case .queued: break
        }
    }
    // At equal times an end comes before a start: the slot was free again.
    events.sort { ($0.time, $0.change) < ($1.time, $1.change) }
    var running = 0
    var maximum = 0
    for event in events {
        running += event.change
        maximum = max(maximum, running)
    }
    return maximum
}
