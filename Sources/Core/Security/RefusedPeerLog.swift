package import Logging
import Synchronization

/// Logs a refused caller once per address, so a peer that keeps calling cannot flood the log.
/// Remembers at most `limit` addresses, then logs no new ones.
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
        let isNew = seen.withLock { seen in
            guard seen.count < limit, !seen.contains(address) else { return false }
            seen.insert(address)
            return true
        }
        if isNew { logger.warning("refused a caller: \(reason)", metadata: [LogKey.address: "\(address)"]) }
    }
}
