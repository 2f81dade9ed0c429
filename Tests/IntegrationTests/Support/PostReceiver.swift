import ClusterKit
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// An HTTP server on 127.0.0.1 that takes POSTs to one path (webhook deliveries, an OTLP
/// exporter's spans): it answers `500` while `failing` says so, `204` otherwise, and keeps every
/// request it got.
final class PostReceiver: Sendable {
    struct Post: Sendable {
        var eventID: String?
        var signature: String?
        var body: [UInt8]
        /// Answered 204, not 500.
        var accepted = false

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    private let received = Mutex<[Post]>([])
    /// Given how many requests came before this one, whether to fail it.
    private let failing = Mutex<@Sendable (Int) -> Bool>({ _ in false })

    var posts: [Post] { received.withLock { $0 } }

    func fail(when rule: @escaping @Sendable (Int) -> Bool) {
        failing.withLock { $0 = rule }
    }

    /// Runs the receiver of POSTs to `path` for `body`, given its port.
    func serve<Result: Sendable>(path: String = "/hook", _ body: @Sendable (Int) async throws -> Result) async throws -> Result {
        let router = Router()
        router.post(RouterPath(path)) { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            var delivery = Post(
                eventID: request.headers[HTTPField.Name("TaskMaster-Event-Id")!],
                signature: request.headers[HTTPField.Name("TaskMaster-Signature")!], body: Array(buffer: bytes))
            let rule = self.failing.withLock { $0 }
            let accepted = self.received.withLock { received in
                delivery.accepted = !rule(received.count)
                received.append(delivery)
                return delivery.accepted
            }
            return Response(status: accepted ? .noContent : .internalServerError)
        }
        let port = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                port.continuation.yield(channel.localAddress?.port ?? 0)
                port.continuation.finish()
            })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            defer { group.cancelAll() }
            var ports = port.stream.makeAsyncIterator()
            guard let listening = await ports.next(), listening != 0 else { throw TimedOut(description: "the receiver did not listen") }
            return try await body(listening)
        }
    }
}
