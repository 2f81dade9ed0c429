package import Logging
import Synchronization

/// Logs a refused caller once per address and reason, so a peer that keeps calling cannot flood
/// the log. Remembers at most `limit` of them, then logs no new ones.
package final class RefusedPeerLog: Sendable {
    private let seen = Mutex(Set<String>())
    private let limit: Int
    private let logger: Logger

    package init(logger: Logger, limit: Int = 1024) {
        self.logger = logger
        self.limit = limit
    }

    /// Logs `reason` for `address` unless it was logged for that address already.
    package func refused(_ address: String, reason: String) {
        let key = address + " " + reason
        let isNew = seen.withLock { seen in
            guard seen.count < limit, !seen.contains(key) else { return false }
            seen.insert(key)
            return true
        }
        if isNew { logger.warning("refused a caller: \(reason)", metadata: [LogKey.address: "\(address)"]) }
    }
}
