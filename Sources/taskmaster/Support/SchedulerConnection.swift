import APIClient
import NIOSSL
import Synchronization

/// The keep-alive connection to the scheduler, opened when first needed and again on the request
/// after one that failed (so that `status --wait` outlives a scheduler restart).
final class SchedulerConnection: Sendable {
    private let host: String
    private let port: Int
    /// HTTPS with this context, nil for plain HTTP.
    private let tls: NIOSSLContext?
    private let current = Mutex<HTTPConnection?>(nil)

    init(host: String, port: Int, tls: NIOSSLContext?) {
        self.host = host
        self.port = port
        self.tls = tls
    }

    /// The open connection, or a new one.
    func connection() async throws -> HTTPConnection {
        if let open = current.withLock({ $0 }) { return open }
        let fresh = try await HTTPConnection.connect(host: host, port: port, tls: tls)
        current.withLock { $0 = fresh }
        return fresh
    }

    /// Closes `connection` after a failure, so that the next request opens another.
    func discard(_ connection: HTTPConnection) async {
        current.withLock { open in
            if open === connection { open = nil }
        }
        await connection.close()
    }
}
