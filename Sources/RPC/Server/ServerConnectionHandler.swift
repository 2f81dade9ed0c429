import Logging
import NIOCore
import Core

/// Serves unary gRPC calls on one HTTP/2 connection. Each call runs its handler in a Task off
/// the event loop; the result hops back here to be sent. What happens to each call is decided by
/// a `ServerConnectionState`; this type carries out its actions.
final class ServerConnectionHandler: HTTP2ConnectionHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What an open call holds that must be cancelled when it ends early.
    private struct CallResources {
        var task: Task<Void, Never>?
        var deadlineTimer: Scheduled<Void>?

        func cancel() {
            task?.cancel()
            deadlineTimer?.cancel()
        }
    }

    private let router: GRPCRouter
    private let admission: CallAdmission
    private let settings: HTTP2Settings
    private(set) var logger: Logger
    private var peer = "unknown"
    private var remoteAddress: SocketAddress?
    var session: HTTP2Session?
    private(set) var context: ChannelHandlerContext?
    private var state: ServerConnectionState
    private var resources: [Int32: CallResources] = [:]
    var flushScheduled = false

    init(router: GRPCRouter, admission: CallAdmission, settings: HTTP2Settings, maxReceiveMessageBytes: Int, logger: Logger) {
        self.router = router
        self.admission = admission
        self.settings = settings
        self.state = ServerConnectionState(maxReceiveMessageBytes: maxReceiveMessageBytes)
        self.logger = logger
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if let address = context.channel.remoteAddress {
            remoteAddress = address
            peer = Self.describe(address)
        }
        logger[metadataKey: LogKey.grpcPeer] = "\(peer)"
        do {
            session = try HTTP2Session(role: .server, settings: settings)
        } catch {
            logger.debug("cannot create HTTP/2 session", metadata: [LogKey.error: "\(error)"])
            context.close(promise: nil)
        }
        if context.channel.isActive {
            flush()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        logger.debug("connection opened")
        flush()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        logger.debug("connection closed", metadata: [LogKey.grpcOpenCalls: "\(state.openCalls)"])
        for streamID in state.connectionClosed() {
            releaseResources(of: streamID, cancelling: true)
        }
        session = nil
        context.fireChannelInactive()
    }

    // MARK: Graceful shutdown

    /// Stops taking new calls: a shutdown notice now, the final GOAWAY one round trip later.
    /// The connection closes once its in-flight calls are answered.
    func beginGracefulShutdown() {
        guard let session, state.beginGracefulShutdown() else { return }
        logger.debug("connection draining", metadata: [LogKey.grpcOpenCalls: "\(state.openCalls)"])
        session.submitShutdownNotice()
        session.submitPing()
        flush()
    }

    // MARK: HTTP/2 events

    func handle(_ event: HTTP2Event) {
        switch event {
        case .headers(let streamID, let fields, let endStream):
            if !state.isOpen(streamID) {
                open(streamID: streamID, fields: fields)
            }
            if endStream {
                perform(state.requestEnded(streamID: streamID), streamID: streamID)
            }
        case .data(let streamID, let bytes):
            perform(state.received(bytes, streamID: streamID), streamID: streamID)
        case .endStream(let streamID):
            perform(state.requestEnded(streamID: streamID), streamID: streamID)
        case .streamClosed(let streamID, let errorCode):
            guard let call = state.closed(streamID: streamID) else { return }
            logger.debug("call reset by peer", metadata: [LogKey.grpcPath: "\(call.path)", LogKey.http2Error: "\(errorCode)"])
            releaseResources(of: streamID, cancelling: true)
        case .pingAcknowledged:
            if state.pingAcknowledged() {
                session?.submitGoAway(errorCode: .noError)
                scheduleFlush()
            }
        case .goAway:
            break
        }
    }

    /// Admits and routes a new call, or answers it at once.
    private func open(streamID: Int32, fields: [HTTP2HeaderField]) {
        let head: RequestHead
        switch RequestHead.parse(fields) {
        case .success(let parsed):
            head = parsed
        case .failure(let rejection):
            answer(streamID: streamID, status: rejection.status, httpStatus: rejection.httpStatus, path: "")
            return
        }
        if let refusal = admission.refusal(of: head.metadata, from: remoteAddress, describedAs: remoteAddress?.ipAddress ?? peer) {
            if router.serves(head.path) { RPCMetrics.serverCall(path: head.path, code: refusal.code, duration: .zero) }
            answer(streamID: streamID, status: refusal, path: head.path)
            return
        }
        let handler: GRPCRouter.ErasedHandler
        switch router.route(head.path) {
        case .success(let found):
            handler = found
        case .failure(let status):
            answer(streamID: streamID, status: status, path: head.path)
            return
        }
        var deadline: ContinuousClock.Instant?
        var call = CallResources()
        if let timeout = head.timeout, let context {
            deadline = ContinuousClock.now + timeout
            call.deadlineTimer = context.eventLoop.assumeIsolated().scheduleTask(
                in: .nanoseconds(GRPCTimeout.saturatingNanoseconds(timeout))
            ) {
                self.perform(self.state.deadlineExpired(streamID: streamID), streamID: streamID)
            }
        }
        let callContext = GRPCServerContext(metadata: head.metadata, deadline: deadline, peer: peer)
        state.opened(ServerConnectionState.Call(path: head.path, handler: handler, context: callContext), streamID: streamID)
        resources[streamID] = call
    }

    private func perform(_ action: ServerConnectionState.StreamAction, streamID: Int32) {
        switch action {
        case .none:
            break
        case .run(let call, let request):
            assert(resources[streamID] != nil, "stream \(streamID) runs without having been opened")
            resources[streamID, default: CallResources()].task = run(call, request: request, streamID: streamID)
        case .fail(let path, let status):
            releaseResources(of: streamID, cancelling: true)
            answer(streamID: streamID, status: status, path: path)
        }
    }

    /// Forgets what a call held, cancelling its handler's Task when the call ended early.
    private func releaseResources(of streamID: Int32, cancelling: Bool) {
        guard let call = resources.removeValue(forKey: streamID) else { return }
        if cancelling {
            call.cancel()
        } else {
            call.deadlineTimer?.cancel()
        }
    }

    // MARK: Running handlers

    private func run(_ call: ServerConnectionState.Call, request: ByteBuffer, streamID: Int32) -> Task<Void, Never>? {
        guard let context else { return nil }
        let connection = NIOLoopBound(self, eventLoop: context.eventLoop)
        var callLogger = logger
        callLogger[metadataKey: LogKey.grpcPath] = "\(call.path)"
        let taskLogger = callLogger
        return Task {
            let result: Result<ByteBuffer, GRPCStatus>
            do {
                let response = try await call.handler(Array(request.readableBytesView), call.context)
                result = .success(GRPCMessageFraming.frame(response))
            } catch {
                result = .failure(GRPCStatus(handlerError: error, logger: taskLogger))
            }
            connection.eventLoop.execute {
                connection.value.handlerFinished(streamID: streamID, result: result)
            }
        }
    }

    private func handlerFinished(streamID: Int32, result: Result<ByteBuffer, GRPCStatus>) {
        guard let call = state.closed(streamID: streamID), let session else { return }
        releaseResources(of: streamID, cancelling: false)
        switch result {
        case .success(let body):
            do {
                try session.submitResponse(
                    streamID: streamID, headers: GRPCHeaders.responseHeaders, body: body,
                    trailers: GRPCHeaders.statusFields(GRPCStatus(code: .ok)))
                logger.trace("call answered", metadata: [LogKey.grpcPath: "\(call.path)"])
            } catch {
                logger.debug("cannot submit response", metadata: [LogKey.grpcPath: "\(call.path)", LogKey.error: "\(error)"])
                session.submitReset(streamID: streamID, errorCode: .internalError)
            }
            scheduleFlush()
        case .failure(let status):
            answer(streamID: streamID, status: status, path: call.path)
        }
    }

    // MARK: Answering

    /// Sends a trailers-only response (a request still being sent is then reset with NO_ERROR).
    private func answer(streamID: Int32, status: GRPCStatus, httpStatus: Int = 200, path: String) {
        guard let session else { return }
        logger.debug(
            "call failed",
            metadata: [LogKey.grpcPath: "\(path)", LogKey.grpcStatus: "\(status.code.rawValue)", LogKey.grpcMessage: "\(status.message)"])
        var headers = [
            HTTP2HeaderField(":status", String(httpStatus)), HTTP2HeaderField("content-type", GRPCHeaders.contentType),
        ]
        headers += GRPCHeaders.statusFields(status)
        do {
            try session.submitHeadersOnlyResponse(streamID: streamID, headers: headers)
        } catch {
            session.submitReset(streamID: streamID, errorCode: .internalError)
        }
        scheduleFlush()
    }

    private static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        if case .v6 = address {
            return "[\(ip)]:\(port)"
        }
        return "\(ip):\(port)"
    }
}

extension GRPCStatus {
    /// The status sent for what a handler threw; unknown errors are only logged.
    fileprivate init(handlerError error: any Error, logger: Logger) {
        self.init(handlerError: error)
        if !(error is any GRPCStatusConvertible), !(error is CancellationError) {
            logger.debug("handler failed", metadata: [LogKey.error: "\(String(reflecting: error))"])
        }
    }
}
