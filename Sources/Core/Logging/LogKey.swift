/// Logger metadata keys, named once for every service.
public enum LogKey {
    public static let taskID = "task_id"
    public static let workerID = "worker_id"
    public static let address = "address"
    public static let attempt = "attempt"
    public static let error = "error"
    public static let count = "count"
    public static let status = "status"
    public static let exitCode = "exit_code"
}
