/// The API tokens a scheduler accepts at one moment: those of `TASKMASTER_API_TOKENS_FILE`
/// (several at once, so one can be rotated by adding its successor, moving clients and removing
/// it) and `TASKMASTER_API_TOKEN`, an `admin` token named `TASKMASTER_API_TOKEN`.
package struct APITokens: Sendable, Hashable {
    package var tokens: [APIToken]

    package static let fileVariable = "TASKMASTER_API_TOKENS_FILE"

    package init(_ tokens: [APIToken]) {
        self.tokens = tokens
    }

    /// Parses a tokens file: one `NAME ROLE TOKEN` a line, separated by spaces or tabs; blank
    /// lines and lines starting with `#` are skipped. Throws `ConfigurationError` naming the first
    /// bad line (never its token).
    package init(file text: String) throws {
        var tokens: [APIToken] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            let number = index + 1
            guard fields.count == 3 else {
                throw ConfigurationError("line \(number) of the API tokens file is not NAME ROLE TOKEN")
            }
            guard let role = APIRole(rawValue: String(fields[1])) else {
                throw ConfigurationError("line \(number) of the API tokens file: the role must be read, write or admin, not '\(fields[1])'")
            }
            guard !tokens.contains(where: { $0.name == fields[0] }) else {
                throw ConfigurationError("line \(number) of the API tokens file: the name \(fields[0]) is given twice")
            }
            tokens.append(APIToken(name: String(fields[0]), role: role, secret: BearerToken(String(fields[2]))!))
        }
        self.tokens = tokens
    }

    /// The token that `authorization` (`Bearer <token>`) presents, or nil. Every token is compared,
    /// each in constant time, whichever matches.
    package func token(presentedBy authorization: String?) -> APIToken? {
        var found: APIToken?
        for token in tokens where token.secret.isPresented(by: authorization) && found == nil {
            found = token
        }
        return found
    }
}
