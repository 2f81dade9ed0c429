/// The RPC methods of the `grpcapi` contract.
package enum GRPCAPIMethods {
    package static let workerSubmitTask = GRPCMethod<TaskRequest, TaskResponse>(
        service: "grpcapi.WorkerService", method: "SubmitTask")
    package static let workerSubmitTasks = GRPCMethod<TaskBatchRequest, TaskBatchResponse>(
        service: "grpcapi.WorkerService", method: "SubmitTasks")
    package static let workerCancelTask = GRPCMethod<CancelTaskRequest, CancelTaskResponse>(
        service: "grpcapi.WorkerService", method: "CancelTask")
    package static let coordinatorSubmitTask = GRPCMethod<ClientTaskRequest, ClientTaskResponse>(
        service: "grpcapi.CoordinatorService", method: "SubmitTask")
    package static let sendHeartbeat = GRPCMethod<HeartbeatRequest, HeartbeatResponse>(
        service: "grpcapi.CoordinatorService", method: "SendHeartbeat")
    package static let updateTaskStatus = GRPCMethod<UpdateTaskStatusRequest, UpdateTaskStatusResponse>(
        service: "grpcapi.CoordinatorService", method: "UpdateTaskStatus")
    package static let updateTaskStatuses = GRPCMethod<UpdateTaskStatusBatchRequest, UpdateTaskStatusBatchResponse>(
        service: "grpcapi.CoordinatorService", method: "UpdateTaskStatuses")
    package static let appendTaskOutput = GRPCMethod<TaskOutputRequest, TaskOutputResponse>(
        service: "grpcapi.CoordinatorService", method: "AppendTaskOutput")
}
