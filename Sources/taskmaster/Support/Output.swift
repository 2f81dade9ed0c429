import FoundationEssentials

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Where a command's results go: stdout, styled with ANSI escapes only when it is a terminal and
/// NO_COLOR is unset; errors go to stderr.
struct Output: Sendable {
    enum Style: String {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", blue = "34"
    }

    /// Whether stdout is a terminal, where a line may be redrawn in place.
    let isTerminal = isatty(STDOUT_FILENO) == 1
    let colour: Bool
    let json: Bool

    init(json: Bool) {
        self.json = json
        self.colour = isTerminal && environment("NO_COLOR") == nil
    }

    func line(_ text: String = "") {
        write(text + "\n")
    }

    /// Writes without a newline, flushed at once (for a line redrawn in place).
    func write(_ text: String) {
        writeAll(text, to: STDOUT_FILENO)
    }

    /// The API's reply as received, for --json.
    func raw(_ body: Data) {
        guard !body.isEmpty else { return }
        let text = String(decoding: body, as: UTF8.self)
        line(text.hasSuffix("\n") ? String(text.dropLast()) : text)
    }

    func styled(_ text: String, _ style: Style) -> String {
        colour ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// A task's status in the colour of its outcome.
    func status(_ status: String) -> String {
        switch status.prefix(while: { $0 != " " }) {
        case "completed": styled(status, .green)
        case "failed": styled(status, .red)
        case "cancelled": styled(status, .yellow)
        case "running", "dispatched": styled(status, .blue)
        default: status
        }
    }

    static func error(_ text: String) {
        writeAll("error: \(text)\n", to: STDERR_FILENO)
    }
}
