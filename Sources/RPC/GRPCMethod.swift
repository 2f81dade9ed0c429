/// A fully qualified RPC method, e.g. `grpcapi.WorkerService` / `SubmitTask`, with the message
/// types it takes and answers: a call site cannot pair a method with the wrong response type.
package struct GRPCMethod<Request: GRPCMessage, Response: GRPCMessage>: Hashable, Sendable, CustomStringConvertible {
    package let service: String
    package let method: String

    package init(service: String, method: String) {
        self.service = service
        self.method = method
    }

    /// The HTTP/2 `:path`, e.g. `/grpcapi.WorkerService/SubmitTask`.
    package var path: String { "/\(service)/\(method)" }

    package var description: String { path }
}
