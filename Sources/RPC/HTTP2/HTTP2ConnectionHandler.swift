import Logging
import NIOCore
import Core

/// What both ends of a connection share: received bytes go to the HTTP/2 session, whose events
/// the handler handles; what the session queued is written, coalesced per event loop tick; a
/// protocol violation or an I/O error closes the connection. Its requirements are for these
/// shared parts only; nothing else sets them.
protocol HTTP2ConnectionHandler: ChannelInboundHandler, AnyObject where InboundIn == ByteBuffer {
    /// Nil before the handler is added and once the connection is finished.
    var session: HTTP2Session? { get set }
    var context: ChannelHandlerContext? { get }
    var logger: Logger { get }
    /// Whether a flush is already scheduled for this tick.
    var flushScheduled: Bool { get set }

    func handle(_ event: HTTP2Event)
}

extension HTTP2ConnectionHandler {
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

    /// Writes what the session has queued and handles the events sending caused.
    func flush() {
        guard let session, let context else { return }
        for event in HTTP2ChannelOutput.flush(session, context: context, logger: logger) {
            handle(event)
        }
    }

    /// Coalesces what is queued in the same event loop tick into one write.
    func scheduleFlush() {
        guard !flushScheduled, let context else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            self.flush()
        }
    }
}
