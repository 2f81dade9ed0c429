/// Why a command failed, as the one line it prints on stderr before exiting 1.
enum CLIFailure: Error, CustomStringConvertible {
    /// The API answered with an error: `{"error":{"code","message"}}`.
    case api(code: String, message: String)
    /// No answer from the scheduler at `url`.
    case unreachable(url: String, reason: String)
    /// Anything else, in words.
    case other(String)

    var description: String {
        switch self {
        case .api(let code, let message): "\(code): \(message)"
        case .unreachable(let url, let reason): "cannot reach \(url): \(reason)"
        case .other(let message): message
        }
    }
}
