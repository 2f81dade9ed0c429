import NIOCore
import Testing

@testable import RPC

/// The server connection's decisions, without a channel.
@Suite struct ServerConnectionStateTests {
    private let call = ServerConnectionState.Call(
        path: "/test.Echo/Echo", handler: { bytes, _ in bytes },
        context: GRPCServerContext(metadata: GRPCMetadata(), deadline: nil, peer: "test"))

    private func opened(maxReceiveMessageBytes: Int = 1024) -> ServerConnectionState {
        var state = ServerConnectionState(maxReceiveMessageBytes: maxReceiveMessageBytes)
        state.opened(call, streamID: 1)
        return state
    }

    private func failure(_ action: ServerConnectionState.StreamAction) -> GRPCStatus? {
        if case .fail(_, let status) = action { status } else { nil }
    }

    private func runs(_ action: ServerConnectionState.StreamAction) -> [UInt8]? {
        if case .run(_, let request) = action { Array(request.readableBytesView) } else { nil }
    }

    @Test func theHandlerRunsOnceTheWholeMessageAndTheEndHaveArrived() {
        var state = opened()
        var framed = GRPCMessageFraming.frame([1, 2, 3])
        let head = framed.readSlice(length: 6)!
        let afterHead = state.received(head, streamID: 1)
        #expect(runs(afterHead) == nil)
        let afterMessage = state.received(framed, streamID: 1)
        #expect(runs(afterMessage) == nil, "the message alone does not start the call")
        let atEnd = state.requestEnded(streamID: 1)
        #expect(runs(atEnd) == [1, 2, 3])
        let atSecondEnd = state.requestEnded(streamID: 1)
        #expect(runs(atSecondEnd) == nil, "only once")
        #expect(state.openCalls == 1, "open until answered")
        let answered = state.closed(streamID: 1)
        #expect(answered != nil)
        #expect(state.openCalls == 0)
    }

    @Test func aSecondMessageFailsTheCall() {
        var state = opened()
        _ = state.received(GRPCMessageFraming.frame([1]), streamID: 1)
        let status = failure(state.received(GRPCMessageFraming.frame([2]), streamID: 1))
        #expect(status?.code == .internalError)
        #expect(!state.isOpen(1))
    }

    @Test func anEndWithoutAMessageOrInTheMiddleOfOneFailsTheCall() {
        var empty = opened()
        let emptyEnd = empty.requestEnded(streamID: 1)
        #expect(failure(emptyEnd)?.message.contains("no request message") == true)
        var partial = opened()
        _ = partial.received(GRPCMessageFraming.frame([1, 2, 3]).getSlice(at: 0, length: 6)!, streamID: 1)
        let partialEnd = partial.requestEnded(streamID: 1)
        #expect(failure(partialEnd)?.message == "unexpected EOF")
    }

    @Test func aMessageOverTheLimitFailsTheCallResourceExhausted() {
        var state = opened(maxReceiveMessageBytes: 2)
        let oversized = state.received(GRPCMessageFraming.frame([1, 2, 3]), streamID: 1)
        #expect(failure(oversized)?.code == .resourceExhausted)
    }

    @Test func aDeadlineEndsARunningCallAndItsLateAnswerFindsNothing() {
        var state = opened()
        _ = state.received(GRPCMessageFraming.frame([1]), streamID: 1)
        _ = state.requestEnded(streamID: 1)
        let expired = state.deadlineExpired(streamID: 1)
        #expect(failure(expired)?.code == .deadlineExceeded)
        let lateAnswer = state.closed(streamID: 1)
        #expect(lateAnswer == nil, "the handler's answer is dropped")
        let expiredAgain = state.deadlineExpired(streamID: 1)
        #expect(failure(expiredAgain) == nil)
    }

    @Test func bytesForAStreamThatIsNotOpenAreIgnored() {
        var state = ServerConnectionState(maxReceiveMessageBytes: 1024)
        let stray = state.received(GRPCMessageFraming.frame([1]), streamID: 3)
        #expect(runs(stray) == nil)
        let strayEnd = state.requestEnded(streamID: 3)
        #expect(failure(strayEnd) == nil)
    }

    @Test func theFinalGoAwayFollowsOnlyTheShutdownPing() {
        var state = ServerConnectionState(maxReceiveMessageBytes: 1024)
        let pingWhileServing = state.pingAcknowledged()
        let begins = state.beginGracefulShutdown()
        let beginsAgain = state.beginGracefulShutdown()
        let shutdownPing = state.pingAcknowledged()
        let laterPing = state.pingAcknowledged()
        #expect(!pingWhileServing, "a PING acknowledged while serving changes nothing")
        #expect(begins && !beginsAgain, "only once")
        #expect(shutdownPing && !laterPing)
    }

    @Test func closingTheConnectionEndsEveryOpenCall() {
        var state = opened()
        state.opened(call, streamID: 3)
        let ended = state.connectionClosed()
        #expect(Set(ended) == [1, 3])
        #expect(state.openCalls == 0)
    }
}
