import APIClient
import Logging
import NIOCore
import Core

/// Carries unary calls over one HTTP/2 connection to a server, many at a time.
final class ClientConnectionHandler: HTTP2ConnectionHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A call whose request was submitted, until its response ends.
    private struct Stream {
        let call: ClientCall
        var deframer: GRPCMessageDeframer
        var httpStatus: Int?
        var message: ByteBuffer?
    }

    private let authority: String
    /// `https` over TLS, else `http`.
    private let scheme: String
    private let maxReceiveMessageBytes: Int
    let logger: Logger
    /// Told once when the connection stops taking new calls (GOAWAY received or closed).
    private var onUnusable: (() -> Void)?
    var session: HTTP2Session?
    private(set) var context: ChannelHandlerContext?
    private var streams: [Int32: Stream] = [:]
    private var goAwayReceived = false
    /// Why TLS ended the connection, for the calls it fails: the peer's certificate was not
    /// trusted or does not name the host dialled, or the peer refused ours.
    private var tlsFailure: String?
    var flushScheduled = false

    init(authority: String, scheme: String, maxReceiveMessageBytes: Int, logger: Logger, onUnusable: @escaping () -> Void) {
        self.authority = authority
        self.scheme = scheme
        self.maxReceiveMessageBytes = maxReceiveMessageBytes
        self.logger = logger
        self.onUnusable = onUnusable
    }

    /// Whether new calls may start on this connection.
    var isAcceptingCalls: Bool {
        session != nil && !goAwayReceived && context?.channel.isActive == true
    }

    /// Closes the connection; its open calls fail with UNAVAILABLE.
    func close() -> EventLoopFuture<Void>? {
        guard let context else { return nil }
        context.close(promise: nil)
        return context.channel.closeFuture
    }

    // MARK: Calls

    func start(_ call: ClientCall) {
        guard isAcceptingCalls, let session else {
            call.finish(.failure(GRPCStatus(code: .unavailable, message: "connection is closing")))
            return
        }
        var headers = [
            HTTP2HeaderField(":method", "POST"),
            HTTP2HeaderField(":scheme", scheme),
            HTTP2HeaderField(":path", call.path),
            HTTP2HeaderField(":authority", authority),
            HTTP2HeaderField("content-type", GRPCHeaders.contentType),
            HTTP2HeaderField("te", "trailers"),
        ]
        if let deadline = call.deadline {
            let remaining = deadline - NIODeadline.now()
            headers.append(HTTP2HeaderField("grpc-timeout", GRPCTimeout.format(.nanoseconds(remaining.nanoseconds))))
        }
        for entry in call.metadata {
            headers.append(HTTP2HeaderField(entry.name, entry.value))
        }
        let streamID: Int32
        do {
            streamID = try session.submitRequest(headers: headers, body: call.body)
        } catch {
            call.finish(.failure(GRPCStatus(code: .internalError, message: "cannot start call: \(error)")))
            return
        }
        streams[streamID] = Stream(call: call, deframer: GRPCMessageDeframer(maxMessageBytes: maxReceiveMessageBytes))
        call.streamOpened(on: self, streamID: streamID)
        scheduleFlush()
    }

    /// Abandons a call's stream (RST_STREAM CANCEL); its call has already been finished.
    func resetStream(_ streamID: Int32) {
        guard streams.removeValue(forKey: streamID) != nil, let session else { return }
        session.submitReset(streamID: streamID, errorCode: .cancel)
        scheduleFlush()
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        do {
            session = try HTTP2Session(role: .client, settings: HTTP2Settings())
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
        flush()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        logger.debug("connection closed", metadata: [LogKey.grpcOpenCalls: "\(streams.count)"])
        session = nil
        let open = streams.values
        streams.removeAll()
        for stream in open {
            stream.call.finish(.failure(GRPCStatus(code: .unavailable, message: tlsFailure ?? "connection closed")))
        }
        becameUnusable()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if tlsFailure == nil, let reason = TLSFailureReason.ofTLS(error) { tlsFailure = "TLS handshake failed: \(reason)" }
        context.fireErrorCaught(error)
    }

    // MARK: HTTP/2 events

    func handle(_ event: HTTP2Event) {
        switch event {
        case .headers(let streamID, let fields, let endStream):
            received(fields, endStream: endStream, streamID: streamID)
        case .data(let streamID, let bytes):
            received(bytes, streamID: streamID)
        case .endStream(let streamID):
            fail(streamID, GRPCStatus(code: .internalError, message: "server ended the stream without trailers"))
        case .streamClosed(let streamID, let errorCode):
            fail(streamID, Self.status(forReset: errorCode))
        case .goAway(let lastStreamID, let errorCode):
            logger.debug(
                "server is going away", metadata: [LogKey.http2LastStream: "\(lastStreamID)", LogKey.http2Error: "\(errorCode)"])
            goAwayReceived = true
            becameUnusable()
        case .pingAcknowledged:
            break
        }
    }

    private func received(_ fields: [HTTP2HeaderField], endStream: Bool, streamID: Int32) {
        guard let stream = streams[streamID] else { return }
        if stream.httpStatus == nil {
            let httpStatus = fields.first { $0.name == ":status" }.flatMap { Int($0.value) } ?? 0
            streams[streamID]!.httpStatus = httpStatus
            if endStream {
                complete(streamID, trailers: fields)
            } else if httpStatus != 200 {
                fail(streamID, GRPCHeaders.status(forHTTPStatus: httpStatus), reset: true)
            } else if !GRPCHeaders.isGRPCContentType(fields.first { $0.name == "content-type" }?.value ?? "") {
                fail(streamID, GRPCStatus(code: .internalError, message: "response content-type is not gRPC"), reset: true)
            }
        } else if endStream {
            complete(streamID, trailers: fields)
        } else {
            fail(streamID, GRPCStatus(code: .internalError, message: "unexpected header block"), reset: true)
        }
    }

    private func received(_ bytes: ByteBuffer, streamID: Int32) {
        guard streams[streamID] != nil else { return }
        streams[streamID]!.deframer.append(bytes)
        do {
            while let message = try streams[streamID]!.deframer.nextMessage() {
                guard streams[streamID]!.message == nil else {
                    fail(
                        streamID,
                        GRPCStatus(
                            code: .internalError,
                            message: "cardinality violation: expected <EOF> for non server-streaming RPCs, but received another message"),
                        reset: true)
                    return
                }
                streams[streamID]!.message = message
            }
        } catch {
            fail(streamID, error.status, reset: true)
        }
    }

    private func complete(_ streamID: Int32, trailers: [HTTP2HeaderField]) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        let status = GRPCHeaders.status(fromTrailers: trailers, httpStatus: stream.httpStatus)
        guard status.code == .ok else {
            stream.call.finish(.failure(status))
            return
        }
        if stream.deframer.hasPartialMessage {
            stream.call.finish(.failure(GRPCStatus(code: .internalError, message: "unexpected EOF")))
        } else if let message = stream.message {
            stream.call.finish(.success(message))
        } else {
            stream.call.finish(
                .failure(
                    GRPCStatus(
                        code: .internalError,
                        message: "cardinality violation: received no response message from non-server-streaming RPC")))
        }
    }

    private func fail(_ streamID: Int32, _ status: GRPCStatus, reset: Bool = false) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        stream.call.finish(.failure(status))
        if reset, let session {
            session.submitReset(streamID: streamID, errorCode: .cancel)
            scheduleFlush()
        }
    }

    /// How gRPC reads a stream reset by the server (gRPC-over-HTTP/2 specification).
    private static func status(forReset errorCode: HTTP2ErrorCode) -> GRPCStatus {
        let code: GRPCStatus.Code =
            switch errorCode {
            case .refusedStream: .unavailable
            case .cancel: .cancelled
            case .enhanceYourCalm: .resourceExhausted
            case .inadequateSecurity: .permissionDenied
            default: .internalError
            }
        return GRPCStatus(code: code, message: "stream reset by server with HTTP/2 error \(errorCode)")
    }

    private func becameUnusable() {
        let onUnusable = onUnusable
        self.onUnusable = nil
        onUnusable?()
    }
}
