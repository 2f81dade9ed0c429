import ClusterKit
import NIOCore
import NIOEmbedded
import Testing

@testable import RPC

/// One of our connection handlers on NIO's testing channel (no socket), with the other end of
/// its connection played by a bare `HTTP2Session` in the test; bytes move between them in memory
/// and the channel's virtual clock moves only when a test advances it.
final class TestingConnection {
    let loop = NIOAsyncTestingEventLoop()
    let channel: NIOAsyncTestingChannel
    /// The other end: a client session for a server handler, a server session for a client handler.
    let peer: HTTP2Session
    /// What the peer has seen so far.
    private(set) var events: [HTTP2Event] = []

    /// Adds the handler `makeHandler` returns and connects the channel (from 127.0.0.1).
    init(peerRole: HTTP2Session.Role, makeHandler: @escaping @Sendable () -> any ChannelHandler) async throws {
        channel = try await NIOAsyncTestingChannel(loop: loop) { channel in
            try channel.pipeline.syncOperations.addHandler(makeHandler())
        }
        peer = try HTTP2Session(role: peerRole, settings: HTTP2Settings())
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 50_000)).get()
    }

    /// Runs `body` with the handler of type `Handler`, on the channel's event loop.
    func withHandler<Handler: ChannelHandler & SendableMetatype, Result: Sendable>(
        _ type: Handler.Type, _ body: @escaping @Sendable (Handler) -> Result
    ) async throws -> Result {
        try await loop.submit { [channel] in
            try body(channel.pipeline.syncOperations.handler(type: Handler.self))
        }.get()
    }

    /// Moves bytes both ways until neither side has more to send (bounded).
    func exchange() async throws {
        for _ in 0..<50 {
            var toHandler = ByteBuffer()
            events += try peer.send(into: &toHandler, maxBytes: 1 << 20)
            var moved = toHandler.readableBytes > 0
            if moved, channel.isActive { try await channel.writeInbound(toHandler) }
            await loop.run()
            while let fromHandler = try await channel.readOutbound(as: ByteBuffer.self) {
                events += try peer.receive(fromHandler)
                moved = true
            }
            if !moved { return }
        }
        Issue.record("the connection kept talking")
    }

    /// Exchanges bytes until `condition` holds for the peer's events, giving handlers that run
    /// off the event loop time to answer (at most 30 seconds: a loaded machine can stall for seconds).
    func exchange(until condition: ([HTTP2Event]) -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        do {
            try await eventually("the expected events", timeout: .seconds(30)) {
                try await exchange()
                return condition(events) ? () : nil
            }
        } catch let timedOut as TimedOut {
            Issue.record("\(timedOut); seen: \(events)", sourceLocation: sourceLocation)
        }
    }

    /// The header blocks the peer received on `streamID`, with whether each ended the stream.
    func headerBlocks(on streamID: Int32) -> [(fields: [HTTP2HeaderField], endStream: Bool)] {
        events.compactMap { event in
            if case .headers(streamID, let fields, let end) = event { (fields, end) } else { nil }
        }
    }

    /// The payload the peer received on `streamID`.
    func data(on streamID: Int32) -> ByteBuffer {
        events.reduce(into: ByteBuffer()) { body, event in
            if case .data(streamID, let bytes) = event { body.writeImmutableBuffer(bytes) }
        }
    }

    var receivedGoAway: Bool {
        events.contains { if case .goAway = $0 { true } else { false } }
    }
}
