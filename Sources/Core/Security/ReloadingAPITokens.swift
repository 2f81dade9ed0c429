import FoundationEssentials
package import Logging
package import ServiceLifecycle
import Synchronization

/// The scheduler's API tokens, with its tokens file read again every `pollInterval`: a token
/// added to the file is accepted, and a removed one refused, within that. A file that cannot be
/// read or parsed keeps the tokens in use and is logged once per change.
package final class ReloadingAPITokens: Service, Sendable, Hashable {
    private struct State {
        var fileContents: [UInt8]?
        var tokens: APITokens
    }

    private let path: String?
    private let fixed: [APIToken]
    private let pollInterval: Duration
    private let logger: Logger
    private let state: Mutex<State>

    /// `fixed` tokens are always accepted (`TASKMASTER_API_TOKEN`); `path` is the tokens file,
    /// read now: throws `ConfigurationError` when it cannot be read or parsed.
    package init(path: String?, fixed: [APIToken], logger: Logger, pollInterval: Duration = .seconds(1)) throws {
        self.path = path
        self.fixed = fixed
        self.logger = logger
        self.pollInterval = pollInterval
        let contents = try path.map { try Self.read($0) }
        let fromFile = try contents.map { try APITokens(file: String(decoding: $0, as: UTF8.self)).tokens } ?? []
        state = Mutex(State(fileContents: contents, tokens: APITokens(fixed + fromFile)))
    }

    /// The tokens accepted now.
    package var current: APITokens { state.withLock { $0.tokens } }

    /// Reads the file again; returns whether the tokens changed.
    @discardableResult
    package func reload() -> Bool {
        guard let path else { return false }
        let contents: [UInt8]
        do {
            contents = try Self.read(path)
        } catch {
            logger.error("API tokens file not reloaded, the tokens in use stay: \(error)")
            return false
        }
        guard state.withLock({ $0.fileContents != contents }) else { return false }
        do {
            let tokens = try APITokens(file: String(decoding: contents, as: UTF8.self))
            state.withLock { $0 = State(fileContents: contents, tokens: APITokens(fixed + tokens.tokens)) }
            logger.notice("API tokens reloaded", metadata: [LogKey.count: "\(tokens.tokens.count)"])
            return true
        } catch {
            state.withLock { $0.fileContents = contents }
            logger.error("API tokens file not reloaded, the tokens in use stay: \(error)")
            return false
        }
    }

    package func run() async throws {
        guard path != nil else {
            try? await gracefulShutdown()
            return
        }
        await PeriodicLoop(every: pollInterval).run { self.reload() }
    }

    private static func read(_ path: String) throws -> [UInt8] {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("cannot read the API tokens file \(path)")
        }
        return Array(contents)
    }

    package static func == (lhs: ReloadingAPITokens, rhs: ReloadingAPITokens) -> Bool { lhs === rhs }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self))
    }
}
