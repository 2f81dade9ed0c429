import Metrics
import Core

/// Records RPC latencies by method and status code.
enum RPCMetrics {
    static func serverCall(path: String, code: GRPCStatus.Code, duration: Duration) {
        record(MetricNames.rpcServerDuration, path: path, code: code, duration: duration)
    }

    static func clientCall(path: String, code: GRPCStatus.Code, duration: Duration) {
        record(MetricNames.rpcClientDuration, path: path, code: code, duration: duration)
    }

    /// `method` is the path without its leading slash, e.g. `grpcapi.WorkerService/SubmitTask`.
    private static func record(_ name: String, path: String, code: GRPCStatus.Code, duration: Duration) {
        let method = path.hasPrefix("/") ? String(path.dropFirst()) : path
        Timer(label: name, dimensions: [(MetricNames.Label.method, method), (MetricNames.Label.code, code.description)])
            .record(duration: duration)
    }
}
