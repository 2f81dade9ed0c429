/// Why a command failed, as the one line it prints on stderr before exiting 1.
enum CLIFailure: Error, CustomStringConvertible {
    /// The API answered with an error: `{"error":{"code","message"}}`.
    case api(code: String, message: String)
    /// No answer from the scheduler at `url`.
    case unreachable(url: String, reason: String)
    /// The TLS handshake with the scheduler at `url` failed: its certificate is not trusted or does
    /// not name it, or it refused ours. Waiting does not mend it.
    case tlsRefused(url: String, reason: String)
    /// Anything else, in words.
    case other(String)

    var description: String {
        switch self {
        case .api(let code, let message): "\(code): \(message)"
        case .unreachable(let url, let reason): "cannot reach \(url): \(reason)"
        case .tlsRefused(let url, let reason): "cannot reach \(url): TLS handshake failed: \(reason)"
        case .other(let message): message
        }
    }

    /// A failure that may pass on its own: no answer, or the scheduler (or a proxy in front of it)
    /// saying that it cannot serve for now.
    var isTransient: Bool {
        switch self {
        case .unreachable: true
        case .api(let code, _): ["database_unavailable", "http_502", "http_503", "http_504"].contains(code)
        case .tlsRefused, .other: false
        }
    }
}
