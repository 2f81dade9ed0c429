public import Logging

/// Sends UpdateTaskStatus reports to the coordinator, retrying while it is unreachable.
public struct StatusReporter: Sendable {
    private let client: GRPCClient
    private let logger: Logger
    private let attempts: Int

    public init(client: GRPCClient, logger: Logger, attempts: Int = 8) {
        self.client = client
        self.logger = logger
        self.attempts = attempts
    }

    /// Returns whether the coordinator took the report. A report is a fact the coordinator
    /// needs, so it is sent even when the calling Task is cancelled (the worker stopping).
    @discardableResult
    public func report(_ request: UpdateTaskStatusRequest) async -> Bool {
        await Task { await self.deliver(request) }.value
    }

    private func deliver(_ request: UpdateTaskStatusRequest) async -> Bool {
        var delay: Duration = .milliseconds(100)
        for attempt in 1...attempts {
            do {
                let _: UpdateTaskStatusResponse = try await client.unary(
                    GRPCAPIMethods.updateTaskStatus, request: request, timeout: .seconds(5))
                return true
            } catch let status as GRPCStatus
                where [.unavailable, .deadlineExceeded].contains(status.code) && attempt < attempts
            {
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(3))
            } catch {
                logger.warning(
                    "status report not delivered",
                    metadata: [
                        LogKey.taskID: "\(request.taskID)", LogKey.attempt: "\(request.attempt)",
                        LogKey.status: "\(request.status)", LogKey.error: "\(error)",
                    ])
                return false
            }
        }
        return false
    }
}
