/// The RPC methods of the `grpcapi` contract.
public enum GRPCAPIMethods {
    public static let workerSubmitTask = GRPCMethod<TaskRequest, TaskResponse>(
        service: "grpcapi.WorkerService", method: "SubmitTask")
    public static let workerSubmitTasks = GRPCMethod<TaskBatchRequest, TaskBatchResponse>(
        service: "grpcapi.WorkerService", method: "SubmitTasks")
    public static let workerCancelTask = GRPCMethod<CancelTaskRequest, CancelTaskResponse>(
        service: "grpcapi.WorkerService", method: "CancelTask")
    public static let coordinatorSubmitTask = GRPCMethod<ClientTaskRequest, ClientTaskResponse>(
        service: "grpcapi.CoordinatorService", method: "SubmitTask")
    public static let sendHeartbeat = GRPCMethod<HeartbeatRequest, HeartbeatResponse>(
        service: "grpcapi.CoordinatorService", method: "SendHeartbeat")
    public static let updateTaskStatus = GRPCMethod<UpdateTaskStatusRequest, UpdateTaskStatusResponse>(
        service: "grpcapi.CoordinatorService", method: "UpdateTaskStatus")
    public static let updateTaskStatuses = GRPCMethod<UpdateTaskStatusBatchRequest, UpdateTaskStatusBatchResponse>(
        service: "grpcapi.CoordinatorService", method: "UpdateTaskStatuses")
}
