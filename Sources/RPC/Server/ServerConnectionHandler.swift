import Logging
import NIOCore
import Core

/// Serves unary gRPC calls on one HTTP/2 connection. Each call runs its handler in a Task off
/// the event loop; the result hops back here to be sent.
final class ServerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A call between its request headers and its response.
    private struct Stream {
        let path: String
        let handler: GRPCRouter.ErasedHandler
        let context: GRPCServerContext
        var deframer: GRPCMessageDeframer
        var request: ByteBuffer?
        /// The handler's Task once the request is complete.
        var task: Task<Void, Never>?
        var deadlineTimer: Scheduled<Void>?
    }

    private enum ShutdownState {
        case serving
        /// Shutdown notice and a PING sent; the final GOAWAY follows the PING's acknowledgement.
        case notified
        case goingAway
    }

    private let router: GRPCRouter
    private let admission: CallAdmission
    private let settings: HTTP2Settings
    private let maxReceiveMessageBytes: Int
    private var logger: Logger
    private var peer = "unknown"
    private var remoteAddress: SocketAddress?
    private var session: HTTP2Session?
    private var context: ChannelHandlerContext?
    private var streams: [Int32: Stream] = [:]
    private var shutdownState = ShutdownState.serving
    private var flushScheduled = false

    init(router: GRPCRouter, admission: CallAdmission, settings: HTTP2Settings, maxReceiveMessageBytes: Int, logger: Logger) {
        self.router = router
        self.admission = admission
        self.settings = settings
        self.maxReceiveMessageBytes = maxReceiveMessageBytes
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
        logger.debug("connection closed", metadata: [LogKey.grpcOpenCalls: "\(streams.count)"])
        for stream in streams.values {
            stream.task?.cancel()
            stream.deadlineTimer?.cancel()
        }
        streams.removeAll()
        session = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let session else { return }
        let events: [HTTP2Event]
        do {
            events = try session.receive(unwrapInboundIn(data))
        } catch {
            logger.debug("closing connection after a protocol violation", metadata: [LogKey.error: "\(error)"])
            session.terminate(errorCode: .protocolError)
            flush()
            self.session = nil
            context.close(promise: nil)
            return
        }
        for event in events {
            handle(event)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            flush()
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("closing connection after an I/O error", metadata: [LogKey.error: "\(error)"])
        context.close(promise: nil)
    }

    // MARK: Graceful shutdown

    /// Stops taking new calls: a shutdown notice now, the final GOAWAY one round trip later.
    /// The connection closes once its in-flight calls are answered.
    func beginGracefulShutdown() {
        guard case .serving = shutdownState, let session else { return }
        logger.debug("connection draining", metadata: [LogKey.grpcOpenCalls: "\(streams.count)"])
        shutdownState = .notified
        session.submitShutdownNotice()
        session.submitPing()
        flush()
    }

    // MARK: HTTP/2 events

    private func handle(_ event: HTTP2Event) {
        switch event {
        case .headers(let streamID, let fields, let endStream):
            if streams[streamID] == nil {
                open(streamID: streamID, fields: fields)
            }
            if endStream {
                requestEnded(streamID: streamID)
            }
        case .data(let streamID, let bytes):
            received(bytes, streamID: streamID)
        case .endStream(let streamID):
            requestEnded(streamID: streamID)
        case .streamClosed(let streamID, let errorCode):
            guard let stream = streams.removeValue(forKey: streamID) else { return }
            logger.debug(
                "call reset by peer", metadata: [LogKey.grpcPath: "\(stream.path)", LogKey.http2Error: "\(errorCode)"])
            stream.task?.cancel()
            stream.deadlineTimer?.cancel()
        case .pingAcknowledged:
            if case .notified = shutdownState {
                shutdownState = .goingAway
                session?.submitGoAway(errorCode: .noError)
                scheduleFlush()
            }
        case .goAway:
            break
        }
    }

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
        var deadlineTimer: Scheduled<Void>?
        if let timeout = head.timeout, let context {
            deadline = ContinuousClock.now + timeout
            deadlineTimer = context.eventLoop.assumeIsolated().scheduleTask(
                in: .nanoseconds(GRPCTimeout.saturatingNanoseconds(timeout))
            ) {
                self.deadlineExpired(streamID: streamID)
            }
        }
        streams[streamID] = Stream(
            path: head.path,
            handler: handler,
            context: GRPCServerContext(metadata: head.metadata, deadline: deadline, peer: peer),
            deframer: GRPCMessageDeframer(maxMessageBytes: maxReceiveMessageBytes),
            deadlineTimer: deadlineTimer)
    }

    private func received(_ bytes: ByteBuffer, streamID: Int32) {
        guard streams[streamID]?.task == nil, streams[streamID] != nil else { return }
        streams[streamID]!.deframer.append(bytes)
        do {
            while let message = try streams[streamID]!.deframer.nextMessage() {
                guard streams[streamID]!.request == nil else {
                    fail(
                        streamID: streamID,
                        status: GRPCStatus(
                            code: .internalError,
                            message: "cardinality violation: received multiple request messages for non-client-streaming RPC"))
                    return
                }
                streams[streamID]!.request = message
            }
        } catch {
            fail(streamID: streamID, status: error.status)
        }
    }

    private func requestEnded(streamID: Int32) {
        guard let stream = streams[streamID], stream.task == nil else { return }
        guard !stream.deframer.hasPartialMessage else {
            fail(streamID: streamID, status: GRPCStatus(code: .internalError, message: "unexpected EOF"))
            return
        }
        guard let request = stream.request else {
            fail(
                streamID: streamID,
                status: GRPCStatus(
                    code: .internalError,
                    message: "cardinality violation: received no request message from non-client-streaming RPC"))
            return
        }
        streams[streamID]!.request = nil
        streams[streamID]!.task = run(stream, request: request, streamID: streamID)
    }

    // MARK: Running handlers

    private func run(_ stream: Stream, request: ByteBuffer, streamID: Int32) -> Task<Void, Never>? {
        guard let context else { return nil }
        let connection = NIOLoopBound(self, eventLoop: context.eventLoop)
        let handler = stream.handler
        let callContext = stream.context
        var callLogger = logger
        callLogger[metadataKey: LogKey.grpcPath] = "\(stream.path)"
        let taskLogger = callLogger
        return Task {
            let result: Result<ByteBuffer, GRPCStatus>
            do {
                let response = try await handler(Array(request.readableBytesView), callContext)
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
        guard let stream = streams.removeValue(forKey: streamID), let session else { return }
        stream.deadlineTimer?.cancel()
        switch result {
        case .success(let body):
            do {
                try session.submitResponse(
                    streamID: streamID, headers: GRPCHeaders.responseHeaders, body: body,
                    trailers: GRPCHeaders.statusFields(GRPCStatus(code: .ok)))
                logger.trace("call answered", metadata: [LogKey.grpcPath: "\(stream.path)"])
            } catch {
                logger.debug("cannot submit response", metadata: [LogKey.grpcPath: "\(stream.path)", LogKey.error: "\(error)"])
                session.submitReset(streamID: streamID, errorCode: .internalError)
            }
            scheduleFlush()
        case .failure(let status):
            answer(streamID: streamID, status: status, path: stream.path)
        }
    }

    private func deadlineExpired(streamID: Int32) {
        guard let stream = streams[streamID] else { return }
        stream.task?.cancel()
        fail(streamID: streamID, status: GRPCStatus(code: .deadlineExceeded, message: "deadline exceeded"))
    }

    // MARK: Answering

    /// Ends a call that has not been answered yet with `status`.
    private func fail(streamID: Int32, status: GRPCStatus) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        stream.deadlineTimer?.cancel()
        answer(streamID: streamID, status: status, path: stream.path)
    }

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

    // MARK: Output

    private func flush() {
        guard let session, let context else { return }
        for event in HTTP2ChannelOutput.flush(session, context: context, logger: logger) {
            handle(event)
        }
    }

    /// Coalesces the output of calls answered in the same event loop tick into one write.
    private func scheduleFlush() {
        guard !flushScheduled, let context else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            self.flush()
        }
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
