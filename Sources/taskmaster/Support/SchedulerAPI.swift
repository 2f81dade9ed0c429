import APIClient
import APIModels
import FoundationEssentials
import NIOCore
import NIOHTTP1
import NIOSSL

/// The scheduler's HTTP API over one keep-alive connection: every request carries the token, and
/// an answer that is not a success becomes a `CLIFailure`.
struct SchedulerAPI: Sendable {
    private let connection: SchedulerConnection
    private let base: BaseURL
    private let token: String?

    /// Connects to the scheduler named by `--url` or TASKMASTER_URL.
    static func connect(_ options: GlobalOptions) async throws(CLIFailure) -> SchedulerAPI {
        let base = try BaseURL(options.url ?? environment("TASKMASTER_URL") ?? "http://localhost:8081")
        let token = options.token ?? environment("TASKMASTER_API_TOKEN")
        let api = SchedulerAPI(
            connection: SchedulerConnection(host: base.host, port: base.port, tls: try tlsContext(for: base, options.tls)),
            base: base, token: token.flatMap { $0.isEmpty ? nil : $0 })
        do {
            _ = try await api.connection.connection()
        } catch {
            throw .unreachable(base.description, error)
        }
        return api
    }

    /// The context of an https:// URL; TLS files named for an http:// one are refused, so that a
    /// token never goes out in plain text to a scheduler meant to be reached over TLS.
    private static func tlsContext(for base: BaseURL, _ options: TLSOptions) throws(CLIFailure) -> NIOSSLContext? {
        let files = try options.files()
        guard base.isHTTPS else {
            guard files == nil else {
                throw .other("--cacert, --cert and --cert-key (TASKMASTER_CA, TASKMASTER_CERT, TASKMASTER_CERT_KEY) need an https:// URL, not \(base)")
            }
            return nil
        }
        do {
            return try (files ?? HTTPSClientFiles(certificateAuthority: nil, certificate: nil, key: nil)).context()
        } catch {
            throw .other(error.description)
        }
    }

    /// Sends a request with `body` encoded as JSON and answers the reply's body; with
    /// `bodyParts`, a successful reply's body goes to it as it arrives, with no time limit.
    func send(
        _ method: HTTPMethod, _ path: String, body: (some Encodable)? = Optional<Never>.none,
        headers: [(String, String)] = [], bodyParts: (@Sendable (ByteBuffer) -> Void)? = nil
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
            answer = try await exchange(method, base.prefix + path, headers: allHeaders, body: bytes, bodyParts: bodyParts)
        } catch {
            throw .unreachable(base.description, error)
        }
        let data = Data(answer.body.readableBytesView)
        guard (200..<300).contains(answer.status) else { throw Self.failure(status: answer.status, body: data) }
        return data
    }

    /// The whole id of the task `id` names: itself, or the one task id that starts with it.
    func taskID(_ id: ResourceID) async throws(CLIFailure) -> String {
        try await wholeID(id, noun: "task") { prefix throws(CLIFailure) in
            try decode(TaskListResponse.self, from: try await send(.GET, "/tasks?id_prefix=\(prefix)&limit=2")).tasks.map(\.taskID)
        }
    }

    /// The whole id of the schedule `id` names: itself, or the one schedule id that starts with it.
    func scheduleID(_ id: ResourceID) async throws(CLIFailure) -> String {
        try await wholeID(id, noun: "schedule") { prefix throws(CLIFailure) in
            try decode(ScheduleListResponse.self, from: try await send(.GET, "/schedules?id_prefix=\(prefix)&limit=2"))
                .schedules.map(\.scheduleID)
        }
    }

    private func wholeID(
        _ id: ResourceID, noun: String, startingWith: (IDPrefix) async throws(CLIFailure) -> [String]
    ) async throws(CLIFailure) -> String {
        guard !id.prefix.isWholeID else { return id.prefix.lowestID }
        let ids = try await startingWith(id.prefix)
        switch ids.count {
        case 0: throw .api(code: "not_found", message: "no \(noun) id starts with \(id.prefix)")
        case 1: return ids[0]
        default: throw .other("more than one \(noun) id starts with \(id.prefix); give more of it")
        }
    }

    /// One request on the open connection (or a new one); a connection that failed is closed.
    private func exchange(
        _ method: HTTPMethod, _ uri: String, headers: [(String, String)], body: ByteBuffer?,
        bodyParts: (@Sendable (ByteBuffer) -> Void)?
    ) async throws -> HTTPAnswer {
        let open = try await connection.connection()
        do {
            return try await open.send(
                method, uri, headers: headers, body: body, timeout: bodyParts == nil ? .seconds(30) : nil, bodyParts: bodyParts)
        } catch {
            await connection.discard(open)
            throw error
        }
    }

    /// The API's error object, or the status and body when the answer is not one.
    private static func failure(status: Int, body: Data) -> CLIFailure {
        if let reply = try? JSONDecoder().decode(ErrorResponse.self, from: body) {
            return .api(code: reply.error.code, message: reply.error.message)
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self).split(whereSeparator: \.isNewline).joined(separator: " ")
        return .api(code: "http_\(status)", message: text.isEmpty ? "HTTP status \(status)" : text)
    }
}
