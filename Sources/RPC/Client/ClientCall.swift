import NIOCore

/// One unary call on its way, from the caller's Task to its connection and back.
///
/// `@unchecked Sendable`: the immutable fields are set by the caller before the call is shared;
/// every mutable field is only touched on `eventLoop` (the client's connection loop).
final class ClientCall: @unchecked Sendable {
    let eventLoop: any EventLoop
    let path: String
    let metadata: GRPCMetadata
    /// The framed request message.
    let body: ByteBuffer
    let deadline: NIODeadline?

    private var continuation: CheckedContinuation<ByteBuffer, any Error>?
    /// The outcome when the call ended before its continuation arrived (e.g. cancelled at once).
    private var earlyOutcome: Result<ByteBuffer, GRPCStatus>?
    private var deadlineTimer: Scheduled<Void>?
    /// The connection and stream carrying the call, once its request is submitted.
    private var stream: (connection: ClientConnectionHandler, streamID: Int32)?
    private(set) var isFinished = false

    init(eventLoop: any EventLoop, path: String, metadata: GRPCMetadata, body: ByteBuffer, deadline: NIODeadline?) {
        self.eventLoop = eventLoop
        self.path = path
        self.metadata = metadata
        self.body = body
        self.deadline = deadline
    }

    /// Takes the caller's continuation and arms the deadline. Returns false when the call
    /// has already ended (its outcome is delivered at once).
    func attach(_ continuation: CheckedContinuation<ByteBuffer, any Error>) -> Bool {
        eventLoop.preconditionInEventLoop()
        if let earlyOutcome {
            continuation.resume(with: earlyOutcome.mapError { $0 })
            return false
        }
        self.continuation = continuation
        if let deadline {
            deadlineTimer = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
                self.abort(GRPCStatus(code: .deadlineExceeded, message: "deadline exceeded"))
            }
        }
        return true
    }

    func streamOpened(on connection: ClientConnectionHandler, streamID: Int32) {
        stream = (connection, streamID)
    }

    /// Ends the call with `outcome`; later outcomes are ignored. A failure before the request
    /// was handed to a connection says so (`GRPCStatus.requestWasSent`).
    func finish(_ outcome: Result<ByteBuffer, GRPCStatus>) {
        eventLoop.preconditionInEventLoop()
        guard !isFinished else { return }
        isFinished = true
        deadlineTimer?.cancel()
        deadlineTimer = nil
        let outcome = stream == nil ? outcome.mapError { status in
            var status = status
            status.requestWasSent = false
            return status
        } : outcome
        stream = nil
        if let continuation {
            self.continuation = nil
            continuation.resume(with: outcome.mapError { $0 })
        } else {
            earlyOutcome = outcome
        }
    }

    /// Ends the call from this side (deadline, cancellation) and resets its stream if open.
    func abort(_ status: GRPCStatus) {
        eventLoop.preconditionInEventLoop()
        guard !isFinished else { return }
        let stream = stream
        finish(.failure(status))
        if let stream {
            stream.connection.resetStream(stream.streamID)
        }
    }
}
