import NIOCore
import Testing

@testable import Core
@testable import RPC

/// A client session and a server session exchanging bytes in memory.
@Suite struct HTTP2SessionTests {
    private struct Pair {
        let client = try! HTTP2Session(role: .client, settings: HTTP2Settings())
        let server = try! HTTP2Session(role: .server, settings: HTTP2Settings(maxConcurrentStreams: 8))
        var clientEvents: [HTTP2Event] = []
        var serverEvents: [HTTP2Event] = []

        /// Moves bytes both ways until neither side has anything to send (bounded).
        mutating func exchange() throws {
            for _ in 0..<20 {
                var toServer = ByteBuffer()
                clientEvents += try client.send(into: &toServer, maxBytes: 1 << 20)
                var toClient = ByteBuffer()
                serverEvents += try server.send(into: &toClient, maxBytes: 1 << 20)
                if toServer.readableBytes == 0, toClient.readableBytes == 0 { return }
                serverEvents += try server.receive(toServer)
                clientEvents += try client.receive(toClient)
            }
            Issue.record("sessions kept talking")
        }
    }

    private static let requestHeaders = [
        HTTP2HeaderField(":method", "POST"), HTTP2HeaderField(":scheme", "http"),
        HTTP2HeaderField(":path", "/test.Echo/Echo"), HTTP2HeaderField(":authority", "localhost"),
        HTTP2HeaderField("content-type", "application/grpc"), HTTP2HeaderField("te", "trailers"),
    ]

    @Test func requestAndResponseWithTrailers() throws {
        var pair = Pair()
        let body = GRPCMessageFraming.frame(Array("ping".utf8))
        let streamID = try pair.client.submitRequest(headers: Self.requestHeaders, body: body)
        try pair.exchange()

        guard case .headers(let id, let fields, false) = pair.serverEvents.first else {
            Issue.record("no request headers: \(pair.serverEvents)")
            return
        }
        #expect(id == streamID)
        #expect(fields.contains(HTTP2HeaderField(":path", "/test.Echo/Echo")))
        let data = pair.serverEvents.compactMap { event -> ByteBuffer? in
            if case .data(streamID, let bytes) = event { return bytes } else { return nil }
        }
        #expect(data.reduce(into: ByteBuffer()) { $0.writeImmutableBuffer($1) } == body)
        #expect(pair.serverEvents.contains { if case .endStream(streamID) = $0 { true } else { false } })

        try pair.server.submitResponse(
            streamID: streamID, headers: GRPCHeaders.responseHeaders, body: GRPCMessageFraming.frame(Array("pong".utf8)),
            trailers: GRPCHeaders.statusFields(GRPCStatus(code: .ok)))
        try pair.exchange()

        let headerBlocks = pair.clientEvents.compactMap { event -> ([HTTP2HeaderField], Bool)? in
            if case .headers(streamID, let fields, let end) = event { return (fields, end) } else { return nil }
        }
        #expect(headerBlocks.count == 2)
        #expect(headerBlocks.first?.0 == GRPCHeaders.responseHeaders)
        #expect(headerBlocks.first?.1 == false)
        #expect(headerBlocks.last?.0 == [HTTP2HeaderField("grpc-status", "0")])
        #expect(headerBlocks.last?.1 == true)
        #expect(pair.clientEvents.contains { if case .streamClosed(streamID, .noError) = $0 { true } else { false } })
    }

    @Test func trailersOnlyAnswerToAnOpenRequestResetsIt() throws {
        var pair = Pair()
        // A request whose body is larger than one DATA frame is still arriving when answered.
        let body = GRPCMessageFraming.frame(Array(repeating: 1, count: 100_000))
        let streamID = try pair.client.submitRequest(headers: Self.requestHeaders, body: body)
        var toServer = ByteBuffer()
        _ = try pair.client.send(into: &toServer, maxBytes: 1 << 20)
        var partial = toServer.readSlice(length: 200)!
        pair.serverEvents += try pair.server.receive(partial)
        #expect(!pair.server.isRemoteClosed(streamID))

        try pair.server.submitHeadersOnlyResponse(
            streamID: streamID,
            headers: [HTTP2HeaderField(":status", "200"), HTTP2HeaderField("content-type", "application/grpc")]
                + GRPCHeaders.statusFields(GRPCStatus(code: .unimplemented, message: "nope")))
        partial = toServer
        pair.serverEvents += try pair.server.receive(partial)
        try pair.exchange()

        let trailers = pair.clientEvents.compactMap { event -> [HTTP2HeaderField]? in
            if case .headers(streamID, let fields, true) = event { return fields } else { return nil }
        }
        #expect(trailers.first?.contains(HTTP2HeaderField("grpc-status", "12")) == true)
        #expect(pair.clientEvents.contains { if case .streamClosed(streamID, .noError) = $0 { true } else { false } })
    }

    @Test func serverRefusesBadPreface() {
        let server = try! HTTP2Session(role: .server, settings: HTTP2Settings())
        #expect(throws: HTTP2SessionError.self) {
            _ = try server.receive(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
        }
    }

    @Test func protocolErrorEndsTheSession() throws {
        var pair = Pair()
        try pair.exchange()
        // A DATA frame on stream 0 is a connection error: the server answers GOAWAY and stops reading.
        _ = try pair.server.receive(ByteBuffer(bytes: [0, 0, 1, 0, 0, 0, 0, 0, 0, 42]))
        try pair.exchange()
        #expect(!pair.server.wantsRead)
        #expect(pair.clientEvents.contains { if case .goAway(_, .protocolError) = $0 { true } else { false } })
    }

    @Test func oversizedHeaderBlockResetsTheStream() throws {
        var pair = Pair()
        let big = HTTP2HeaderField("x-big", String(repeating: "a", count: 70_000))
        let streamID = try pair.client.submitRequest(headers: Self.requestHeaders + [big], body: ByteBuffer())
        try pair.exchange()
        #expect(!pair.serverEvents.contains { if case .headers = $0 { true } else { false } })
        #expect(pair.clientEvents.contains { if case .streamClosed(streamID, _) = $0 { true } else { false } })
        #expect(pair.server.wantsRead)
    }

    @Test func streamResetWhileSendingIsReported() throws {
        var pair = Pair()
        // A header value with a line break is invalid: the client resets the stream as it arrives.
        let streamID = try pair.client.submitRequest(headers: Self.requestHeaders, body: GRPCMessageFraming.frame([1]))
        try pair.exchange()
        try pair.server.submitHeadersOnlyResponse(
            streamID: streamID,
            headers: [HTTP2HeaderField(":status", "200"), HTTP2HeaderField("grpc-message", "bad\nvalue")])
        try pair.exchange()
        #expect(pair.clientEvents.contains { if case .streamClosed(streamID, .protocolError) = $0 { true } else { false } })
    }

    @Test func goAwayRefusesStreamsNotYetProcessed() throws {
        var pair = Pair()
        try pair.exchange()
        pair.server.submitShutdownNotice()
        pair.server.submitGoAway(errorCode: .noError)
        try pair.exchange()
        #expect(pair.clientEvents.contains { if case .goAway(0, .noError) = $0 { true } else { false } })
        #expect(!pair.client.wantsRead)
        #expect(!pair.server.wantsRead)
    }
}
