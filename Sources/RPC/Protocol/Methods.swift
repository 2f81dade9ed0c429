/// The RPC methods of the `grpcapi` contract.
public enum GRPCAPIMethods {
    public static let workerSubmitTask = GRPCMethod(service: "grpcapi.WorkerService", method: "SubmitTask")
    public static let workerSubmitTasks = GRPCMethod(service: "grpcapi.WorkerService", method: "SubmitTasks")
    public static let workerCancelTask = GRPCMethod(service: "grpcapi.WorkerService", method: "CancelTask")
    public static let coordinatorSubmitTask = GRPCMethod(service: "grpcapi.CoordinatorService", method: "SubmitTask")
    public static let sendHeartbeat = GRPCMethod(service: "grpcapi.CoordinatorService", method: "SendHeartbeat")
    public static let updateTaskStatus = GRPCMethod(service: "grpcapi.CoordinatorService", method: "UpdateTaskStatus")
    public static let updateTaskStatuses = GRPCMethod(service: "grpcapi.CoordinatorService", method: "UpdateTaskStatuses")
}
