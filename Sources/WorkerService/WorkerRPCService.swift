package import Logging
import Core
package import RPC

/// The worker's side of `grpcapi.WorkerService`.
package struct WorkerRPCService: Sendable {
    private let runner: TaskRunner
    private let logger: Logger

    package init(runner: TaskRunner, logger: Logger) {
        self.runner = runner
        self.logger = logger
    }

    package func router() -> GRPCRouter {
        var router = GRPCRouter()
        router.register(GRPCAPIMethods.workerSubmitTask) { request, _ in submitTask(request) }
        router.register(GRPCAPIMethods.workerSubmitTasks) { request, _ in submitTasks(request) }
        router.register(GRPCAPIMethods.workerCancelTask) { request, _ in cancelTask(request) }
        return router
    }

    /// Accepts a task into the queue, or refuses it (the coordinator then queues it again).
    package func submitTask(_ request: TaskRequest) -> TaskResponse {
        guard let refusal = refusal(of: request) else {
            return TaskResponse(taskID: request.taskID, message: "Task submitted successfully", success: true)
        }
        logger.info(
            "task refused: \(refusal)", metadata: [LogKey.taskID: "\(request.taskID)", LogKey.attempt: "\(request.attempt)"])
        return TaskResponse(taskID: request.taskID, message: refusal, success: false)
    }

    /// Why the task is not taken, or nil once it is queued. A hand-off the coordinator may have
    /// given up on is refused (see `CoordinatorStanding`): its task may be with another worker.
    private func refusal(of request: TaskRequest) -> String? {
        if let refusal = runner.standing.refusal(of: request) { return refusal }
        switch runner.submit(request) {
        case .accepted: return nil
        case .full: return "worker is full"
        case .shuttingDown: return "worker is shutting down"
        }
    }

    /// Accepts or refuses each task of a batch, in order, as `submitTask` does.
    package func submitTasks(_ request: TaskBatchRequest) -> TaskBatchResponse {
        TaskBatchResponse(results: request.tasks.map(submitTask))
    }

    /// Stops the task if the worker holds it; its attempt is then reported FAILED "cancelled".
    package func cancelTask(_ request: CancelTaskRequest) -> CancelTaskResponse {
        let found = runner.cancel(taskID: request.taskID)
        if !found {
            logger.info("cancel for a task this worker does not hold", metadata: [LogKey.taskID: "\(request.taskID)"])
        }
        return CancelTaskResponse(found: found)
    }
}
