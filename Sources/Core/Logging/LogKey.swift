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
    /// Whether the worker still held a task it was asked to cancel.
    public static let found = "found"

    public static let grpcPath = "grpc.path"
    public static let grpcPeer = "grpc.peer"
    public static let grpcPort = "grpc.port"
    public static let grpcStatus = "grpc.status"
    public static let grpcMessage = "grpc.message"
    public static let grpcOpenCalls = "grpc.open_calls"
    public static let grpcConnections = "grpc.connections"
    public static let http2Error = "http2.error"
    public static let http2LastStream = "http2.last_stream"

    public static let migration = "db.migration"
    public static let migrations = "db.migrations"
    public static let databaseIdleConnections = "db.idle_connections"
    public static let databaseNotice = "db.notice"
}
