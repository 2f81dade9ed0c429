/// What a `GRPCServer` does around every handler: it records the call's duration and status in
/// `taskmaster_rpc_server_duration_seconds`.
///
/// Only registered methods are wrapped, so a caller cannot add label values by calling made-up
/// paths (those are answered UNIMPLEMENTED and not recorded).
enum ServerCallInterceptor {
    static func wrap(_ handler: @escaping GRPCRouter.ErasedHandler, path: String) -> GRPCRouter.ErasedHandler {
        { request, context in
            let start = ContinuousClock.now
            do {
                let response = try await handler(request, context)
                RPCMetrics.serverCall(path: path, code: .ok, duration: start.duration(to: .now))
                return response
            } catch {
                RPCMetrics.serverCall(
                    path: path, code: GRPCStatus(handlerError: error).code, duration: start.duration(to: .now))
                throw error
            }
        }
    }
}
