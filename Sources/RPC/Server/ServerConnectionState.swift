import NIOCore

/// What one server connection knows of its calls and of its shutdown, as a value: each HTTP/2
/// event goes in, and what the connection must do comes out (run a handler, answer a failed
/// call, send the final GOAWAY). The state never sends, schedules or runs anything itself;
/// `ServerConnectionHandler` does, and keeps the handlers' Tasks and deadline timers.
struct ServerConnectionState {
    /// A routed call: what its handler needs once the request is complete.
    struct Call {
        let path: String
        let handler: GRPCRouter.ErasedHandler
        let context: GRPCServerContext
    }

    enum StreamAction {
        case none
        /// The request is complete: run the call's handler with it.
        case run(Call, request: ByteBuffer)
        /// The call is over before its handler answered: answer `status` trailers-only and
        /// cancel what the call still runs.
        case fail(path: String, status: GRPCStatus)
    }

    private enum StreamState {
        case receiving(GRPCMessageDeframer, request: ByteBuffer?)
        /// The handler runs; nothing more is read from the stream.
        case running
    }

    private struct Stream {
        let call: Call
        var state: StreamState
    }

    private enum Shutdown {
        case serving
        /// Shutdown notice and a PING sent; the final GOAWAY follows the PING's acknowledgement.
        case notified
        case goingAway
    }

    private let maxReceiveMessageBytes: Int
    private var streams: [Int32: Stream] = [:]
    private var shutdown = Shutdown.serving

    init(maxReceiveMessageBytes: Int) {
        self.maxReceiveMessageBytes = maxReceiveMessageBytes
    }

    /// Calls opened and not yet answered.
    var openCalls: Int { streams.count }

    /// Whether `streamID` carries a call not yet answered.
    func isOpen(_ streamID: Int32) -> Bool { streams[streamID] != nil }

    /// A call whose request headers were accepted and routed.
    mutating func opened(_ call: Call, streamID: Int32) {
        precondition(streams[streamID] == nil, "stream \(streamID) opened twice")
        streams[streamID] = Stream(call: call, state: .receiving(GRPCMessageDeframer(maxMessageBytes: maxReceiveMessageBytes), request: nil))
    }

    /// Request bytes: a unary call takes exactly one message, no larger than the limit.
    mutating func received(_ bytes: ByteBuffer, streamID: Int32) -> StreamAction {
        guard let stream = streams[streamID], case .receiving(var deframer, var request) = stream.state else { return .none }
        deframer.append(bytes)
        do {
            while let message = try deframer.nextMessage() {
                guard request == nil else {
                    return fail(
                        streamID,
                        GRPCStatus(
                            code: .internalError,
                            message: "cardinality violation: received multiple request messages for non-client-streaming RPC"))
                }
                request = message
            }
        } catch {
            return fail(streamID, error.status)
        }
        streams[streamID]?.state = .receiving(deframer, request: request)
        return .none
    }

    /// The client finished sending: the handler runs if exactly one whole message came.
    mutating func requestEnded(streamID: Int32) -> StreamAction {
        guard let stream = streams[streamID], case .receiving(let deframer, let request) = stream.state else { return .none }
        guard !deframer.hasPartialMessage else {
            return fail(streamID, GRPCStatus(code: .internalError, message: "unexpected EOF"))
        }
        guard let request else {
            return fail(
                streamID,
                GRPCStatus(code: .internalError, message: "cardinality violation: received no request message from non-client-streaming RPC"))
        }
        streams[streamID]?.state = .running
        return .run(stream.call, request: request)
    }

    /// The call's deadline passed before it was answered.
    mutating func deadlineExpired(streamID: Int32) -> StreamAction {
        fail(streamID, GRPCStatus(code: .deadlineExceeded, message: "deadline exceeded"))
    }

    /// The call ended without an answer from us (the peer reset it), or its handler answered:
    /// either way it is forgotten. Returns it when it was open.
    mutating func closed(streamID: Int32) -> Call? {
        streams.removeValue(forKey: streamID)?.call
    }

    /// The connection is gone: every open call ends. Returns their streams.
    mutating func connectionClosed() -> [Int32] {
        defer { streams.removeAll() }
        return Array(streams.keys)
    }

    /// Whether to start a graceful shutdown now (send the shutdown notice and a PING).
    mutating func beginGracefulShutdown() -> Bool {
        guard case .serving = shutdown else { return false }
        shutdown = .notified
        return true
    }

    /// Whether this acknowledgement is the shutdown PING's, after which the final GOAWAY is sent.
    mutating func pingAcknowledged() -> Bool {
        guard case .notified = shutdown else { return false }
        shutdown = .goingAway
        return true
    }

    private mutating func fail(_ streamID: Int32, _ status: GRPCStatus) -> StreamAction {
        guard let stream = streams.removeValue(forKey: streamID) else { return .none }
        return .fail(path: stream.call.path, status: status)
    }
}
