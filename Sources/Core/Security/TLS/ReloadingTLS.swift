package import Logging
package import NIOSSL
package import ServiceLifecycle
import Synchronization
import UnixSignals

/// A service's TLS contexts, kept up to date with its certificate, key and authority files.
///
/// Each new connection takes the contexts current at its start, so a new certificate reaches new
/// connections while open ones keep the one they began with. As a `Service` it reads the files
/// again every `pollInterval` and at once on SIGHUP; a change that does not make working
/// contexts (a file cut short, a key that does not match its certificate) keeps the current
/// ones and is logged once, with the reason.
package final class ReloadingTLS: Service, Sendable, Hashable {
    private struct State {
        var files: TLSFiles
        var contexts: TLSContexts
        /// The last reading that was refused, so it is logged once rather than at every poll.
        var refused: TLSFiles?
    }

    package let settings: TLSSettings
    private let logger: Logger
    private let pollInterval: Duration
    private let state: Mutex<State>

    /// Reads the files now; throws `ConfigurationError` saying which one cannot be used and why.
    package init(settings: TLSSettings, logger: Logger, pollInterval: Duration = .seconds(1)) throws {
        let files = try TLSFiles.read(settings)
        let contexts = try TLSContexts(files: files, clientAuth: settings.clientAuth)
        self.settings = settings
        self.logger = logger
        self.pollInterval = pollInterval
        state = Mutex(State(files: files, contexts: contexts))
        logger.info(
            "TLS on",
            metadata: [
                LogKey.tlsCertificate: "\(settings.certificatePath)", LogKey.tlsValidity: "\(contexts.summary)",
                LogKey.tlsClientAuth: "\(settings.clientAuth.rawValue)",
            ])
    }

    /// The context a new connection of a server speaking `protocols` starts with.
    package func serverContext(for protocols: TLSApplicationProtocols) -> NIOSSLContext {
        state.withLock { $0.contexts.servers[protocols]! }
    }

    /// The context a new gRPC client connection starts with: it shows this service's certificate
    /// and checks the server's against the authority, host name or IP address included.
    package var grpcClientContext: NIOSSLContext {
        state.withLock { $0.contexts.grpcClient }
    }

    /// Reads the files again and, when they changed and make working contexts, moves new
    /// connections to them. Returns whether it did.
    @discardableResult
    package func reload(cause: String) -> Bool {
        let files: TLSFiles
        do {
            files = try TLSFiles.read(settings)
        } catch {
            logRefusal(of: nil, cause: cause, reason: "\(error)")
            return false
        }
        let unchanged = state.withLock { $0.files == files || $0.refused == files }
        guard !unchanged else { return false }
        do {
            let contexts = try TLSContexts(files: files, clientAuth: settings.clientAuth)
            state.withLock { $0 = State(files: files, contexts: contexts) }
            logger.notice(
                "TLS certificate reloaded: new connections use it",
                metadata: [
                    LogKey.tlsCertificate: "\(settings.certificatePath)", LogKey.tlsValidity: "\(contexts.summary)",
                    LogKey.tlsCause: "\(cause)",
                ])
            return true
        } catch {
            logRefusal(of: files, cause: cause, reason: "\(error)")
            return false
        }
    }

    /// Watches the files and SIGHUP until graceful shutdown.
    package func run() async throws {
        let wake = WakeSignal()
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await withDiscardingTaskGroup { group in
            group.addTask {
                await cancelWhenGracefulShutdown {
                    for await _ in hangups { wake.signal() }
                }
            }
            group.addTask {
                await PeriodicLoop(waitingWith: { await wake.wait(timeout: self.pollInterval) }).run {
                    self.reload(cause: "its files were checked")
                }
            }
        }
    }

    /// Logs that a reading was refused, once per reading (a file that cannot be read at all,
    /// `files` nil, is logged each time: it may be on its way).
    private func logRefusal(of files: TLSFiles?, cause: String, reason: String) {
        let isNew = state.withLock { state in
            guard let files else { return true }
            defer { state.refused = files }
            return state.refused != files
        }
        guard isNew else { return }
        logger.error(
            "TLS files not reloaded, the current certificate stays in use: \(reason)",
            metadata: [LogKey.tlsCertificate: "\(settings.certificatePath)", LogKey.tlsCause: "\(cause)"])
    }

    package static func == (lhs: ReloadingTLS, rhs: ReloadingTLS) -> Bool { lhs === rhs }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self))
    }
}
