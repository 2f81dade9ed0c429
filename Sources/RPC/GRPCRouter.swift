/// Maps method paths to unary handlers.
package struct GRPCRouter: Sendable {
    /// A handler with its message types erased: request bytes in, response bytes out.
    typealias ErasedHandler = @Sendable ([UInt8], GRPCServerContext) async throws -> [UInt8]

    private var handlers: [String: ErasedHandler] = [:]
    private var services: Set<String> = []

    package init() {}

    /// Registers the handler of `method`, replacing any earlier one. A request that does not
    /// decode is answered INVALID_ARGUMENT without calling the handler.
    package mutating func register<Request: GRPCMessage, Response: GRPCMessage>(
        _ method: GRPCMethod<Request, Response>,
        handler: @escaping @Sendable (Request, GRPCServerContext) async throws -> Response
    ) {
        services.insert(method.service)
        handlers[method.path] = { bytes, context in
            let request: Request
            do {
                request = try Request(serializedBytes: bytes)
            } catch {
                throw GRPCStatus(code: .invalidArgument, message: "cannot decode request message: \(error)")
            }
            return try await handler(request, context).serializedBytes()
        }
    }

    /// The same routes with every handler replaced by `wrap(path, handler)`.
    func wrappingHandlers(_ wrap: (String, @escaping ErasedHandler) -> ErasedHandler) -> GRPCRouter {
        var wrapped = self
        for (path, handler) in handlers {
            wrapped.handlers[path] = wrap(path, handler)
        }
        return wrapped
    }

    /// Whether `path` is a registered method.
    func serves(_ path: String) -> Bool {
        handlers[path] != nil
    }

    /// The handler for `path`, or the UNIMPLEMENTED status to answer with.
    func route(_ path: String) -> Result<ErasedHandler, GRPCStatus> {
        if let handler = handlers[path] {
            return .success(handler)
        }
        let parts = path.dropFirst().split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        if path.hasPrefix("/"), parts.count == 2, !services.contains(String(parts[0])) {
            return .failure(GRPCStatus(code: .unimplemented, message: "unknown service \(parts[0])"))
        }
        return .failure(GRPCStatus(code: .unimplemented, message: "unknown method \(path)"))
    }
}
