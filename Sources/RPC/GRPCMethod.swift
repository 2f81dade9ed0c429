/// A fully qualified RPC method, e.g. `grpcapi.WorkerService` / `SubmitTask`, with the message
/// types it takes and answers: a call site cannot pair a method with the wrong response type.
public struct GRPCMethod<Request: GRPCMessage, Response: GRPCMessage>: Hashable, Sendable, CustomStringConvertible {
    public let service: String
    public let method: String

    public init(service: String, method: String) {
        self.service = service
        self.method = method
    }

    /// The HTTP/2 `:path`, e.g. `/grpcapi.WorkerService/SubmitTask`.
    public var path: String { "/\(service)/\(method)" }

    public var description: String { path }
}
