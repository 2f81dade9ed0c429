public import Logging
import Synchronization

/// Sends a worker's status reports to the coordinator.
///
/// `report` never waits: reports queue up while a send is in flight and go together in the next
/// one (`UpdateTaskStatuses`, which the coordinator applies with one statement), so the number
/// of calls and commits falls as the load rises while a lone report still leaves at once. A
/// coordinator built from the original contract answers UNIMPLEMENTED; the reporter then sends
/// each report with `UpdateTaskStatus`, in order. A coordinator that cannot be reached is
/// retried with backoff. `run` sends until `finish` is called and the queue is empty.
public final class StatusReporter: Sendable {
    private struct State {
        var queue = StatusReportQueue()
        var finished = false
        var sendsOneByOne = false
    }

    private let client: GRPCClient
    private let logger: Logger
    private let attempts: Int
    private let state = Mutex(State())
    private let wake = WakeSignal()

    /// The most reports, and roughly the most output text, in one call.
    private static let batchLimit = 500
    private static let batchTextBudget = 1 << 20

    /// `attempts`: how many times a send is tried while the coordinator is unreachable.
    public init(client: GRPCClient, logger: Logger, attempts: Int = 8) {
        self.client = client
        self.logger = logger
        self.attempts = attempts
    }

    /// Queues `request` for the next send.
    public func report(_ request: UpdateTaskStatusRequest) {
        state.withLock { $0.queue.append(request) }
        wake.signal()
    }

    /// Sends queued reports until `finish` has been called and none is left. The sends run in
    /// their own task: reports are facts the coordinator needs, so they go out even when the
    /// caller is cancelled (the worker stopping).
    public func run() async {
        await Task { await self.sendUntilFinished() }.value
    }

    /// Lets `run` return once every queued report is sent.
    public func finish() {
        state.withLock { $0.finished = true }
        wake.signal()
    }

    private func sendUntilFinished() async {
        while true {
            let (batch, finished) = state.withLock { state in
                (state.queue.take(limit: Self.batchLimit, textBudget: Self.batchTextBudget), state.finished)
            }
            if batch.isEmpty {
                if finished { return }
                await wake.wait(timeout: .seconds(60))
                continue
            }
            if await !deliver(batch), state.withLock({ $0.finished }) {
                // Stopping, and the coordinator stayed out of reach through every retry: the
                // rest would only wait as long again. Their tasks' leases run out and they run again.
                let dropped = state.withLock { state in state.queue.take(limit: .max, textBudget: .max) }
                for request in dropped { logUndelivered(request, GRPCStatus(code: .unavailable, message: "worker stopping")) }
                return
            }
        }
    }

    /// Sends `batch`, retrying while the coordinator is unreachable; false when it gave up.
    private func deliver(_ batch: [UpdateTaskStatusRequest]) async -> Bool {
        var delay: Duration = .milliseconds(100)
        var attempt = 1
        while true {
            do {
                try await send(batch)
                return true
            } catch let status as GRPCStatus where status.code == .unimplemented && !state.withLock({ $0.sendsOneByOne }) {
                state.withLock { $0.sendsOneByOne = true }
                continue
            } catch let status as GRPCStatus
                where [.unavailable, .deadlineExceeded].contains(status.code) && attempt < attempts
            {
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(3))
                attempt += 1
            } catch {
                for request in batch { logUndelivered(request, error) }
                return false
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
