import Logging
import NIOCore
import Core

/// Moves the frames an `HTTP2Session` has queued onto its channel, batching them into as few
/// writes as possible, and closes the channel once the session is finished.
enum HTTP2ChannelOutput {
    /// Largest single write; the rest follows while the channel stays writable.
    private static let maxWriteBytes = 1 << 20

    /// Drains the session while the channel accepts writes; more is sent when it becomes writable
    /// again. Closes the channel after the last write when the session neither reads nor writes.
    /// Returns the events that sending caused (streams ended by frames we sent).
    static func flush(_ session: HTTP2Session, context: ChannelHandlerContext, logger: Logger) -> [HTTP2Event] {
        guard context.channel.isActive else { return [] }
        var lastWrite: EventLoopFuture<Void>?
        var events: [HTTP2Event] = []
        do {
            while context.channel.isWritable {
                var buffer = context.channel.allocator.buffer(capacity: 4096)
                events += try session.send(into: &buffer, maxBytes: maxWriteBytes)
                guard buffer.readableBytes > 0 else { break }
                lastWrite = context.write(NIOAny(buffer))
            }
        } catch {
            logger.debug("closing connection after HTTP/2 error", metadata: [LogKey.error: "\(error)"])
            context.close(promise: nil)
            return events
        }
        if lastWrite != nil {
            context.flush()
        }
        guard !session.wantsRead, !session.wantsWrite else { return events }
        if let lastWrite {
            lastWrite.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
        return events
    }
}
