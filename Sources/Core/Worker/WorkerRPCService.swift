public import Logging

/// The worker's side of `grpcapi.WorkerService`.
public struct WorkerRPCService: Sendable {
    private let runner: TaskRunner
    private let logger: Logger

    public init(runner: TaskRunner, logger: Logger) {
        self.runner = runner
        self.logger = logger
    }

    public func router() -> GRPCRouter {
        var router = GRPCRouter()
        router.register(GRPCAPIMethods.workerSubmitTask) { request, _ in submitTask(request) }
        return router
    }

    /// Accepts a task into the queue, or refuses it (the coordinator then queues it again).
    public func submitTask(_ request: TaskRequest) -> TaskResponse {
        guard runner.submit(request) else {
            logger.info("task refused: worker full or stopping", metadata: [LogKey.taskID: "\(request.taskID)"])
            return TaskResponse(taskID: request.taskID, message: "worker is full or shutting down", success: false)
        }
        return TaskResponse(taskID: request.taskID, message: "Task submitted successfully", success: true)
    }
}
