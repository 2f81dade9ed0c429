import Logging
import NIOCore
import Synchronization
import Testing

@testable import Core
@testable import RPC

/// `ClientConnectionHandler` on NIO's testing channel, answered by a server HTTP/2 session in memory.
@Suite struct ClientConnectionHandlerTests {
    private static let path = GRPCAPIMethods.coordinatorSubmitTask.path

    /// Counts the handler's "no new calls here" notices.
    private final class UnusableNotices: Sendable {
        let count = Atomic(0)
    }

    private func connection(notices: UnusableNotices = UnusableNotices()) async throws -> TestingConnection {
        try await TestingConnection(peerRole: .server) {
            ClientConnectionHandler(authority: "localhost:1", scheme: "http", maxReceiveMessageBytes: 1 << 20, logger: Logger(label: "test")) {
                notices.count.add(1, ordering: .relaxed)
            }
        }
    }

    /// Starts a call on the connection; the Task ends with its outcome.
    private func startCall(on connection: TestingConnection, data: String = "ping") -> Task<Result<ClientTaskResponse, GRPCStatus>, Never> {
        let loop = connection.loop
        let channel = connection.channel
        let call = ClientCall(
            eventLoop: loop, path: Self.path, metadata: GRPCMetadata(),
            body: GRPCMessageFraming.frame(ClientTaskRequest(data: data).serializedBytes()), deadline: nil)
        return Task {
            do {
                let message = try await withCheckedThrowingContinuation { continuation in
                    loop.execute {
                        guard call.attach(continuation) else { return }
                        // The test's own handler: it is on this loop's only channel.
                        try! channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self).start(call)
                    }
                }
                return .success(try ClientTaskResponse(serializedBytes: Array(message.readableBytesView)))
            } catch let status as GRPCStatus {
                return .failure(status)
            } catch {
                return .failure(GRPCStatus(code: .unknown, message: "\(error)"))
            }
        }
    }

    /// The stream of the request the server saw last, once its request ended.
    private func requestStream(on connection: TestingConnection) -> Int32? {
        connection.events.compactMap { event -> Int32? in if case .endStream(let id) = event { id } else { nil } }.last
    }

    private func exchangeUntilARequestArrives(on connection: TestingConnection) async throws -> Int32 {
        try await connection.exchange { _ in requestStream(on: connection) != nil }
        return try #require(requestStream(on: connection))
    }

    /// Answers the request on `streamID` with `status` in a trailers-only response and returns
    /// the status the call failed with (nil when it succeeded, recorded as an issue).
    private func failure(
        of outcome: Task<Result<ClientTaskResponse, GRPCStatus>, Never>, afterTrailersOnly status: GRPCStatus,
        on streamID: Int32, _ connection: TestingConnection
    ) async throws -> GRPCStatus? {
        try connection.peer.submitHeadersOnlyResponse(
            streamID: streamID,
            headers: [HTTP2HeaderField(":status", "200"), HTTP2HeaderField("content-type", GRPCHeaders.contentType)]
                + GRPCHeaders.statusFields(status))
        try await connection.exchange()
        guard case .failure(let failure) = await outcome.value else {
            Issue.record("the call succeeded")
            return nil
        }
        return failure
    }

    @Test func aCallSendsItsRequestAndReturnsTheResponseMessage() async throws {
        let connection = try await connection()
        let outcome = startCall(on: connection)
        let streamID = try await exchangeUntilARequestArrives(on: connection)
        let head = try #require(connection.headerBlocks(on: streamID).first?.fields)
        #expect(head.contains(HTTP2HeaderField(":path", Self.path)))
        #expect(head.contains(HTTP2HeaderField("te", "trailers")))
        var body = connection.data(on: streamID)
        #expect(body.readInteger(as: UInt8.self) == 0 && body.readInteger(as: UInt32.self) == UInt32(body.readableBytes))
        try connection.peer.submitResponse(
            streamID: streamID, headers: GRPCHeaders.responseHeaders,
            body: GRPCMessageFraming.frame(ClientTaskResponse(message: "pong", taskID: "7").serializedBytes()),
            trailers: GRPCHeaders.statusFields(GRPCStatus(code: .ok)))
        try await connection.exchange()
        #expect(try await outcome.value.get() == ClientTaskResponse(message: "pong", taskID: "7"))
    }

    @Test func aTrailersOnlyAnswerFailsTheCallWithItsStatus() async throws {
        let connection = try await connection()
        let outcome = startCall(on: connection)
        let streamID = try await exchangeUntilARequestArrives(on: connection)
        let status = try await failure(of: outcome, afterTrailersOnly: GRPCStatus(code: .notFound, message: "no such task"), on: streamID, connection)
        #expect(status?.code == .notFound && status?.message == "no such task")
    }

    @Test func okTrailersWithoutAMessageAreACardinalityViolation() async throws {
        let connection = try await connection()
        let outcome = startCall(on: connection)
        let streamID = try await exchangeUntilARequestArrives(on: connection)
        let status = try await failure(of: outcome, afterTrailersOnly: GRPCStatus(code: .ok), on: streamID, connection)
        #expect(status?.code == .internalError)
    }

    @Test func aStreamRefusedByTheServerIsUnavailable() async throws {
        let connection = try await connection()
        let outcome = startCall(on: connection)
        let streamID = try await exchangeUntilARequestArrives(on: connection)
        connection.peer.submitReset(streamID: streamID, errorCode: .refusedStream)
        try await connection.exchange()
        guard case .failure(let status) = await outcome.value else { Issue.record("the call succeeded"); return }
        #expect(status.code == .unavailable)
    }

    @Test func afterAGoAwayTheCallInFlightFinishesAndNoNewCallStarts() async throws {
        let notices = UnusableNotices()
        let connection = try await connection(notices: notices)
        let inFlight = startCall(on: connection)
        let streamID = try await exchangeUntilARequestArrives(on: connection)
        #expect(try await connection.withHandler(ClientConnectionHandler.self) { $0.isAcceptingCalls })
        connection.peer.submitGoAway(errorCode: .noError)
        try await connection.exchange()
        #expect(notices.count.load(ordering: .relaxed) == 1, "its owner hears at once that it must connect anew")
        #expect(try await !connection.withHandler(ClientConnectionHandler.self) { $0.isAcceptingCalls })
        guard case .failure(let refused) = await startCall(on: connection).value else { Issue.record("a new call started"); return }
        #expect(refused.code == .unavailable)
        try connection.peer.submitResponse(
            streamID: streamID, headers: GRPCHeaders.responseHeaders,
            body: GRPCMessageFraming.frame(ClientTaskResponse(message: "pong", taskID: "7").serializedBytes()),
            trailers: GRPCHeaders.statusFields(GRPCStatus(code: .ok)))
        try await connection.exchange()
        #expect(try await inFlight.value.get().message == "pong")
        #expect(!connection.channel.isActive, "closed once its last call ended")
        #expect(notices.count.load(ordering: .relaxed) == 1, "told once")
    }

    @Test func closingTheConnectionFailsTheCallsInFlightAsUnavailable() async throws {
        let connection = try await connection()
        let first = startCall(on: connection, data: "one")
        let second = startCall(on: connection, data: "two")
        try await connection.exchange { events in events.filter { if case .endStream = $0 { true } else { false } }.count == 2 }
        try await connection.channel.close()
        for outcome in [first, second] {
            guard case .failure(let status) = await outcome.value else { Issue.record("the call succeeded"); continue }
            #expect(status.code == .unavailable)
        }
    }
}
