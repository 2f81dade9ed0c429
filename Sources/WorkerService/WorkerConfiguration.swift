package import Core
import APIModels

/// How a worker runs; defaults match the documented flags.
package struct WorkerConfiguration: Sendable {
    /// Where WorkerService listens; port 0 picks a free port.
    package var listenAddress = ListenAddress(host: "0.0.0.0", port: 0)
    /// The coordinators' CoordinatorService: the worker talks to one of them at a time and moves
    /// to the next when it stops answering (see `HeartbeatSender`).
    package var coordinatorAddresses = [ListenAddress(host: "localhost", port: 8080)]
    /// Host the worker advertises to the coordinator; the bound port is appended.
    package var advertisedHost = "127.0.0.1"
    /// Tasks run at once.
    package var capacity = 5
    /// Most tasks taken beyond `capacity`, queued to start the moment a slot frees (see
    /// `TaskRunnerState` for how many are offered); nil: 64 × `capacity`, at most 1000.
    package var prefetch: Int?
    package var executor = ExecutorKind.shell
    /// Duration of the `sleep` executor's simulated work.
    package var taskDuration: Duration = .seconds(5)
    /// Time limit of a task that does not bring its own `timeout_seconds`; nil: none.
    package var taskTimeout: Duration?
    /// Bytes of each task's output the shell executor keeps (head and tail when it prints more).
    package var maxOutputBytes = ShellExecutor.defaultOutputLimit
    /// How long running tasks may take to finish on shutdown before they are handed back.
    package var drainTimeout: Duration = .seconds(30)
    package var heartbeatInterval: Duration = .seconds(1)
    /// Identifies the worker to the coordinator.
    package var workerID = UInt32.random(in: 1...UInt32.max)
    /// Where the HTTP admin server (`/healthz`, `/readyz`, `/metrics`) listens; port 0 picks a
    /// free port (logged at start), so that several workers can share a host.
    package var adminAddress = ListenAddress(host: "0.0.0.0", port: 0)
    /// The queues it takes tasks from; nil: every queue.
    package var queues: [String]?
    /// Required on every gRPC call to the worker and sent on every call to the coordinator.
    package var clusterToken: BearerToken?
    /// With it, the gRPC and admin servers serve TLS only and calls to the coordinator use TLS.
    package var tls: ReloadingTLS?
    /// Without a token, serve gRPC callers from other hosts too (`--insecure`).
    package var servesOtherHostsWithoutToken = false

    /// Who may call its gRPC server.
    package var grpcAccess: CallerAccess {
        .from(token: clusterToken, insecure: servesOtherHostsWithoutToken, tokenVariable: ClusterToken.environmentVariable)
    }

    package init() {}

    /// The range `maxOutputBytes` must be in: room for a head, a marker and a tail, and a final
    /// report that fits in one gRPC message.
    package static let maxOutputBytesRange = OutputCapture.minimumLimit...(3 << 20)

    /// `prefetch`, or its default.
    package var prefetchPlaces: Int { prefetch ?? min(64 * capacity, 1000) }

    /// The queue names of `--queues`/`TASKMASTER_QUEUES`: comma-separated; nil for an empty list.
    package static func queues(parsing text: String) throws(ConfigurationError) -> [String]? {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard names != [""] else { return nil }
        if let invalid = names.first(where: { !QueueRules.isValidName($0) }) {
            throw ConfigurationError("the queue name \"\(invalid)\" is not valid: a queue name is \(QueueRules.nameRule)")
        }
        return Array(Set(names)).sorted()
    }
}
