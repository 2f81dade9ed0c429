import HTTPTypes
package import NIOCore
import NIOHTTP1
package import NIOHTTPTypes

/// Sits between the HTTP/1.1 codec and the application on every connection of the services'
/// HTTP servers. A request head must arrive within `headTimeout` of the connection opening and its
/// body within `bodyTimeout` of the head, or the connection is answered `408` and closed (slow
/// clients cannot hold connections open); after a response, the next request's head must arrive
/// within `idleTimeout`, else the connection is closed. A request the HTTP parser cannot read (a
/// header over the limit, too many headers, a NUL in a header…) is answered with the API's JSON
/// error instead of an empty `400`, and the connection closed.
package final class RequestGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    package typealias InboundIn = HTTPRequestPart
    package typealias InboundOut = HTTPRequestPart
    package typealias OutboundIn = HTTPResponsePart
    package typealias OutboundOut = HTTPResponsePart

    private let headTimeout: TimeAmount
    private let bodyTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var timer: Scheduled<Void>?
    private var answered = false

    init(headTimeout: Duration, bodyTimeout: Duration, idleTimeout: Duration) {
        self.headTimeout = TimeAmount(headTimeout)
        self.bodyTimeout = TimeAmount(bodyTimeout)
        self.idleTimeout = TimeAmount(idleTimeout)
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(headTimeout, "the request's headers", context: context) }
    }

    package func channelActive(context: ChannelHandlerContext) {
        arm(headTimeout, "the request's headers", context: context)
        context.fireChannelActive()
    }

    package func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: arm(bodyTimeout, "the request's body", context: context)
        case .end: disarm()
        case .body: break
        }
        context.fireChannelRead(data)
    }

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(idleTimeout, nil, context: context) }
        context.write(data, promise: promise)
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        answer(APIError(.invalidRequest, "the request is not valid HTTP/1.1: \(Self.describe(parserError))"), context: context)
    }

    /// Answers `408` if `what` has not arrived within `timeout`; with `what` nil (between
    /// requests), closes the connection without an answer.
    private func arm(_ timeout: TimeAmount, _ what: String?, context: ChannelHandlerContext) {
        timer?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            guard let what else {
                loopBound.value.close(promise: nil)
                return
            }
            self.answer(
                APIError(.requestTimeout, "\(what) did not arrive within \(timeout.nanoseconds / 1_000_000_000)s"),
                context: loopBound.value)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }

    /// Sends `error` as the connection's last response and closes it.
    private func answer(_ error: APIError, context: ChannelHandlerContext) {
        disarm()
        guard !answered else { return }
        answered = true
        var response = (try? error.response()) ?? BufferedResponse(status: error.status, headers: [:], body: ByteBuffer())
        response.headers[.connection] = "close"
        context.write(wrapOutboundOut(.head(response.head)), promise: nil)
        context.write(wrapOutboundOut(.body(response.body)), promise: nil)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in loopBound.value.close(promise: nil) }
    }

    private static func describe(_ error: HTTPParserError) -> String {
        switch error {
        case .headerOverflow: "the headers are too large"
        case .invalidHeaderToken, .invalidConstant: "a header holds a character it may not"
        case .invalidURL: "the request target is not a valid URL"
        default: "\(error)"
        }
    }
}
