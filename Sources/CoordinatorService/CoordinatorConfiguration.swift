public import Core

/// How the coordinator runs; defaults match the documented flags.
public struct CoordinatorConfiguration: Sendable {
    /// Where CoordinatorService listens.
    public var listenAddress = ListenAddress(host: "0.0.0.0", port: 8080)
    /// A worker silent for this long is removed.
    public var heartbeatTimeout: Duration = .seconds(5)
    /// How long a dispatched task belongs to its worker without news; heartbeats renew it.
    /// A task whose lease expires goes back to the queue.
    public var leaseDuration: Duration = .seconds(30)
    /// The dispatch loop looks for due tasks at least this often.
    public var pollInterval: Duration = .seconds(1)
    /// Slots assumed for a worker that does not advertise its capacity.
    public var defaultWorkerCapacity = 5
    /// Most tasks claimed in one statement.
    public var claimBatchLimit = 512
    /// How long a worker may take to accept a task.
    public var handOffTimeout: Duration = .seconds(5)
    /// How long finished tasks are kept, and how they are deleted.
    public var retention = RetentionSweeper.Configuration()
    /// Folder of numbered SQL migrations.
    public var dataDirectory = "data"
    /// Where the HTTP admin server (`/healthz`, `/readyz`, `/metrics`, `/workers`) listens.
    public var adminAddress = ListenAddress(host: "0.0.0.0", port: 9090)
    /// Required on every gRPC call to the coordinator and sent on every call to workers.
    public var clusterToken: BearerToken?
    /// Without a token, serve gRPC callers from other hosts too (`--insecure`).
    public var servesOtherHostsWithoutToken = false

    /// Who may call its gRPC server.
    public var grpcAccess: CallerAccess {
        .from(token: clusterToken, insecure: servesOtherHostsWithoutToken, tokenVariable: ClusterToken.environmentVariable)
    }

    public init() {}
}
