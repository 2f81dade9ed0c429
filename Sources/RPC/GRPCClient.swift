package import Logging
package import NIOCore
import NIOPosix
import Core

/// A gRPC client for unary calls over cleartext HTTP/2 (prior knowledge).
///
/// Keeps one connection to its server, opened lazily and shared by all concurrent calls;
/// a call after the connection was lost opens a new one.
package final class GRPCClient: ClientService, Sendable {
    private let configuration: GRPCClientConfiguration
    private let manager: NIOLoopBoundBox<ClientConnectionManager>

    package init(
        configuration: GRPCClientConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        let eventLoop = eventLoopGroup.next()
        manager = NIOLoopBoundBox.makeBoxSendingValue(
            ClientConnectionManager(configuration: configuration, eventLoop: eventLoop, logger: logger),
            eventLoop: eventLoop)
    }

    deinit {
        let manager = manager
        manager.eventLoop.execute { _ = manager.value.close() }
    }

    /// Calls `method` and returns its response.
    ///
    /// Throws `GRPCStatus`: the server's status when it is not OK; UNAVAILABLE when the
    /// connection cannot be opened or drops mid-call; DEADLINE_EXCEEDED after `timeout` (also
    /// sent as `grpc-timeout`; the stream is reset); CANCELLED when the calling Task is
    /// cancelled (the stream is reset); RESOURCE_EXHAUSTED for an oversized response;
    /// INTERNAL for a malformed response.
    ///
    /// With `GRPCClientConfiguration.bearerToken` set, the call carries it as `authorization`
    /// metadata. Its duration and status are recorded in `taskmaster_rpc_client_duration_seconds`.
    package func unary<Request: GRPCMessage, Response: GRPCMessage>(
        _ method: GRPCMethod<Request, Response>,
        request: Request,
        metadata: GRPCMetadata = GRPCMetadata(),
        timeout: Duration? = nil
    ) async throws -> Response {
        var metadata = metadata
        if let token = configuration.bearerToken, metadata.first(name: BearerToken.metadataKey) == nil {
            metadata.append(name: BearerToken.metadataKey, value: token.authorizationValue)
        }
        let start = ContinuousClock.now
        do {
            let response: Response = try await call(method, request: request, metadata: metadata, timeout: timeout)
            RPCMetrics.clientCall(path: method.path, code: .ok, duration: start.duration(to: .now))
            return response
        } catch {
            let code = (error as? GRPCStatus)?.code ?? .unknown
            RPCMetrics.clientCall(path: method.path, code: code, duration: start.duration(to: .now))
            throw error
        }
    }

    private func call<Request: GRPCMessage, Response: GRPCMessage>(
        _ method: GRPCMethod<Request, Response>, request: Request, metadata: GRPCMetadata, timeout: Duration?
    ) async throws -> Response {
        guard !Task.isCancelled else {
            throw GRPCStatus(code: .cancelled, message: "call cancelled")
        }
        var deadline: NIODeadline?
        if let timeout {
            let nanoseconds = GRPCTimeout.saturatingNanoseconds(timeout)
            guard nanoseconds > 0 else {
                throw GRPCStatus(code: .deadlineExceeded, message: "deadline exceeded")
            }
            deadline = .now() + .nanoseconds(nanoseconds)
        }
        let manager = manager
        let call = ClientCall(
            eventLoop: manager.eventLoop, path: method.path, metadata: metadata,
            body: GRPCMessageFraming.frame(request.serializedBytes()), deadline: deadline)
        let response = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                manager.eventLoop.execute {
                    manager.value.start(call, continuation: continuation)
                }
            }
        } onCancel: {
            manager.eventLoop.execute {
                call.abort(GRPCStatus(code: .cancelled, message: "call cancelled"))
            }
        }
        do {
            return try Response(serializedBytes: Array(response.readableBytesView))
        } catch {
            throw GRPCStatus(code: .internalError, message: "cannot decode response message: \(error)")
        }
    }

    /// Closes the connection; calls in flight fail with UNAVAILABLE, later calls too.
    package func close() async {
        let manager = manager
        try? await manager.eventLoop.flatSubmit { manager.value.close() }.get()
    }
}
