package import Logging
import Synchronization
import Core
package import RPC

/// Sends a worker's status reports to the coordinator.
///
/// `report` never waits: reports queue up while a send is in flight and go together in the next
/// one (`UpdateTaskStatuses`, which the coordinator applies with one statement), so the number
/// of calls and commits falls as the load rises while a lone report still leaves at once. A
/// coordinator built from the original contract answers UNIMPLEMENTED; the reporter then sends
/// each report with `UpdateTaskStatus`, in order.
///
/// A report is kept until a coordinator has taken it: while none or its database can be reached,
/// the send is retried (backoff up to 2 s) for as long as the worker runs, with whichever
/// coordinator the heartbeats moved to.
/// The backlog is bounded without dropping anything: from `backlogLimit` reports or
/// `backlogTextLimit` bytes of output on, `isBacklogged` holds and the worker takes no new task
/// until the backlog is under the bound again, so it grows past the bound by no more than the
/// reports of the tasks already held. After `finish` (the worker stops) the sends go on for at
/// most `stopGrace`; reports still undelivered then are logged, and their tasks' leases run out.
package final class StatusReporter: Sendable {
    private struct State {
        var queue = StatusReportQueue()
        /// The batch being sent, until the coordinator took it.
        var sending: [UpdateTaskStatusRequest] = []
        var stopDeadline: ContinuousClock.Instant?
        var sendsOneByOne = false
    }

    private let client: FailoverGRPCClient
    private let logger: Logger
    private let stopGrace: Duration
    private let backlogLimit: Int
    private let backlogTextLimit: Int
    private let state = Mutex(State())
    private let wake = WakeSignal()

    /// The most reports, and roughly the most output text, in one call.
    private static let batchLimit = 500
    private static let batchTextBudget = 1 << 20

    package init(
        client: FailoverGRPCClient, logger: Logger, stopGrace: Duration = .seconds(30), backlogLimit: Int = 100_000,
        backlogTextLimit: Int = 64 << 20
    ) {
        self.client = client
        self.logger = logger
        self.stopGrace = stopGrace
        self.backlogLimit = backlogLimit
        self.backlogTextLimit = backlogTextLimit
    }

    /// The tasks whose final report the coordinator has not taken yet: the worker still answers
    /// for them, and its heartbeats keep their leases.
    package var undeliveredTaskIDs: [String] {
        state.withLock { state in
            (state.sending + state.queue.pending).filter { $0.status != .started }.map(\.taskID)
        }
    }

    /// Whether so many reports wait that the worker should take no new task.
    package var isBacklogged: Bool {
        state.withLock { $0.queue.count >= backlogLimit || $0.queue.textBytes >= backlogTextLimit }
    }

    /// Queues `request` for the next send.
    package func report(_ request: UpdateTaskStatusRequest) {
        state.withLock { $0.queue.append(request) }
        wake.signal()
    }

    /// Sends queued reports until `finish` has been called and none is left. The sends run in
    /// their own task: reports are facts the coordinator needs, so they go out even when the
    /// caller is cancelled (the worker stopping).
    package func run() async {
        await Task { await self.sendUntilFinished() }.value
    }

    /// Lets `run` return once every queued report is sent, or `stopGrace` from now.
    package func finish() {
        state.withLock { $0.stopDeadline = $0.stopDeadline ?? .now + stopGrace }
        wake.signal()
    }

    private func sendUntilFinished() async {
        while true {
            let (batch, stopping) = state.withLock { state in
                state.sending = state.queue.take(limit: Self.batchLimit, textBudget: Self.batchTextBudget)
                return (state.sending, state.stopDeadline != nil)
            }
            if batch.isEmpty {
                if stopping { return }
                await wake.wait(timeout: .seconds(60))
                continue
            }
            let delivered = await deliver(batch)
            state.withLock { $0.sending = [] }
            if !delivered {
                // Stopping, and the coordinator stayed out of reach until the grace ran out.
                let dropped = state.withLock { state in state.queue.take(limit: .max, textBudget: .max) }
                for request in dropped { logUndelivered(request, GRPCStatus(code: .unavailable, message: "worker stopping")) }
                return
            }
        }
    }

    /// Sends `batch`, retrying until the coordinator takes it; false when the worker is stopping
    /// and its grace ran out first. A batch the coordinator refuses as malformed is logged and
    /// dropped: sending it again cannot succeed.
    private func deliver(_ batch: [UpdateTaskStatusRequest]) async -> Bool {
        var delay: Duration = .milliseconds(100)
        var failures = 0
        while true {
            do {
                try await send(batch)
                if failures > 0 { logger.info("status reports reach the coordinator again", metadata: [LogKey.count: "\(batch.count)"]) }
                return true
            } catch let status as GRPCStatus where status.code == .unimplemented && !state.withLock({ $0.sendsOneByOne }) {
                state.withLock { $0.sendsOneByOne = true }
                continue
            } catch let status as GRPCStatus where status.code == .invalidArgument {
                for request in batch { logUndelivered(request, status) }
                return true
            } catch {
                if let deadline = state.withLock({ $0.stopDeadline }), ContinuousClock.now + delay > deadline {
                    for request in batch { logUndelivered(request, error) }
                    return false
                }
                if failures == 0 {
                    logger.warning(
                        "the coordinator does not take status reports, keeping them and retrying",
                        metadata: [LogKey.count: "\(batch.count)", LogKey.error: "\(error)"])
                }
                failures += 1
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }

    private func send(_ batch: [UpdateTaskStatusRequest]) async throws {
        if state.withLock({ $0.sendsOneByOne }) {
            for request in batch {
                do {
                    let _: UpdateTaskStatusResponse = try await client.unary(
                        GRPCAPIMethods.updateTaskStatus, request: request, timeout: .seconds(5))
                } catch let status as GRPCStatus where status.code == .notFound {
                    logUndelivered(request, status)
                }
            }
            return
        }
        let response: UpdateTaskStatusBatchResponse = try await client.unary(
            GRPCAPIMethods.updateTaskStatuses, request: UpdateTaskStatusBatchRequest(updates: batch), timeout: .seconds(5))
        for taskID in response.unknownTaskIDs {
            logger.warning("status report about a task the coordinator does not know", metadata: [LogKey.taskID: "\(taskID)"])
        }
    }

    private func logUndelivered(_ request: UpdateTaskStatusRequest, _ error: any Error) {
        logger.warning(
            "status report not delivered",
            metadata: [
                LogKey.taskID: "\(request.taskID)", LogKey.attempt: "\(request.attempt)",
                LogKey.status: "\(request.status)", LogKey.error: "\(error)",
            ])
    }
}
