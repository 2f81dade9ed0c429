import APIClient
import FoundationEssentials
import NIOCore
import NIOHTTP1

/// The scheduler's HTTP API over one keep-alive connection: every request carries the token, and
/// an answer that is not a success becomes a `CLIFailure`.
struct SchedulerAPI: Sendable {
    private let connection: HTTPConnection
    private let base: BaseURL
    private let token: String?

    /// Connects to the scheduler named by `--url` or TASKMASTER_URL.
    static func connect(_ options: GlobalOptions) async throws(CLIFailure) -> SchedulerAPI {
        let base = try BaseURL(options.url ?? environment("TASKMASTER_URL") ?? "http://localhost:8081")
        let token = options.token ?? environment("TASKMASTER_API_TOKEN")
        do {
            let connection = try await HTTPConnection.connect(host: base.host, port: base.port)
            return SchedulerAPI(connection: connection, base: base, token: token.flatMap { $0.isEmpty ? nil : $0 })
        } catch {
            throw .unreachable(url: base.description, reason: connectionFailureReason(error))
        }
    }

    /// Sends a request with `body` encoded as JSON and answers the reply's body.
    func send(
        _ method: HTTPMethod, _ path: String, body: (some Encodable)? = Optional<Never>.none,
        headers: [(String, String)] = []
    ) async throws(CLIFailure) -> Data {
        var allHeaders = headers
        if let token { allHeaders.append(("Authorization", "Bearer \(token)")) }
        let bytes: ByteBuffer?
        do {
            bytes = try body.map { ByteBuffer(bytes: try JSONEncoder().encode($0)) }
        } catch {
            throw .other("cannot encode the request: \(error)")
        }
        let answer: HTTPAnswer
        do {
            answer = try await connection.send(method, base.prefix + path, headers: allHeaders, body: bytes)
        } catch {
            throw .unreachable(url: base.description, reason: connectionFailureReason(error))
        }
        let data = Data(answer.body.readableBytesView)
        guard (200..<300).contains(answer.status) else { throw Self.failure(status: answer.status, body: data) }
        return data
    }

    /// The API's error object, or the status and body when the answer is not one.
    private static func failure(status: Int, body: Data) -> CLIFailure {
        struct ErrorReply: Decodable {
            struct Detail: Decodable {
                var code: String
                var message: String
            }
            var error: Detail
        }
        if let reply = try? JSONDecoder().decode(ErrorReply.self, from: body) {
            return .api(code: reply.error.code, message: reply.error.message)
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self).split(whereSeparator: \.isNewline).joined(separator: " ")
        return .api(code: "http_\(status)", message: text.isEmpty ? "HTTP status \(status)" : text)
    }
}
