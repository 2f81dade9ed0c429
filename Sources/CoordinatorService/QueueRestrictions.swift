package import Logging
import Synchronization
import Core
package import TaskStorage

/// Which queues have limits or are paused, as this coordinator last read them. The dispatcher
/// reads them again before a round when a queue's settings changed (`changed()`, on the
/// notification) or the last read is a few seconds old.
///
/// It only decides which claims a dispatch round makes and which queues heartbeats say are
/// paused: the claims themselves read the settings in the database, so a change is never
/// missed, at worst seen a moment late.
package final class QueueRestrictions: Sendable {
    private struct State: Sendable {
        var restricted: Set<String> = []
        var paused: Set<String> = []
        /// When the settings were last read; nil: they must be read before the next round.
        var readAt: ContinuousClock.Instant?
    }

    /// How long a read serves without a notification.
    static let maximumAge: Duration = .seconds(5)

    private let store: QueueStore
    private let logger: Logger
    private let state = Mutex(State())

    package init(store: QueueStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// A queue's settings changed: read them again before the next round.
    package func changed() {
        state.withLock { $0.readAt = nil }
    }

    /// Reads the settings again if they changed or the last read is old; a failed read keeps
    /// the last one.
    package func refreshIfNeeded(now: ContinuousClock.Instant = .now) async {
        let stale = state.withLock { state in state.readAt.map { $0.duration(to: now) >= Self.maximumAge } ?? true }
        guard stale else { return }
        do {
            let read = try await store.restrictedQueues()
            state.withLock { $0 = State(restricted: read.restricted, paused: read.paused, readAt: now) }
        } catch {
            logger.warning("reading the queues' settings failed", metadata: [LogKey.error: "\(error)"])
        }
    }

    /// Whether any queue among `queues` (nil: any queue) has limits or is paused.
    package func restrictsAny(of queues: [String]?) -> Bool {
        state.withLock { state in
            guard let queues else { return !state.restricted.isEmpty }
            return queues.contains { state.restricted.contains($0) }
        }
    }

    /// The paused queues, by name.
    package var paused: [String] { state.withLock { $0.paused.sorted() } }
}
