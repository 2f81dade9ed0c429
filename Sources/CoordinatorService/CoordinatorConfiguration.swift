package import Core
package import Webhooks

/// How the coordinator runs; defaults match the documented flags.
package struct CoordinatorConfiguration: Sendable {
    /// Where CoordinatorService listens.
    package var listenAddress = ListenAddress(host: "0.0.0.0", port: 8080)
    /// The host written with the bound port in the `coordinators` table (`COORDINATOR_ADDRESS`);
    /// nil: the listening host, or this host's name when it listens on every interface.
    package var advertisedHost: String?
    /// A worker silent for this long is removed.
    package var heartbeatTimeout: Duration = .seconds(5)
    /// How long a dispatched task belongs to its worker without news; heartbeats renew it.
    /// A task whose lease expires goes back to the queue.
    package var leaseDuration: Duration = .seconds(30)
    /// The dispatch loop looks for due tasks at least this often.
    package var pollInterval: Duration = .seconds(1)
    /// Slots assumed for a worker that does not advertise its capacity.
    package var defaultWorkerCapacity = 5
    /// Most tasks claimed in one statement.
    package var claimBatchLimit = 512
    /// A due task claims as one priority higher for each period this long it has waited, so
    /// that a steady stream of higher priorities cannot starve it; nil: no aging.
    package var priorityAging: Duration? = .seconds(60)
    /// How long a worker may take to accept a task.
    package var handOffTimeout: Duration = .seconds(5)
    /// How long finished tasks are kept, and how they are deleted.
    package var retention = RetentionSweeper.Configuration()
    /// How webhook events are delivered.
    package var webhooks = WebhookDeliverer.Configuration()
    /// Which addresses webhook deliveries may go to.
    package var webhookAddressPolicy = WebhookAddressPolicy.any
    /// Folder of numbered SQL migrations.
    package var dataDirectory = "data"
    /// Where the HTTP admin server (`/healthz`, `/readyz`, `/metrics`, `/workers`) listens.
    package var adminAddress = ListenAddress(host: "0.0.0.0", port: 9090)
    /// Required on every gRPC call to the coordinator and sent on every call to workers.
    package var clusterToken: BearerToken?
    /// With it, the gRPC and admin servers serve TLS only and calls to workers use TLS.
    package var tls: ReloadingTLS?
    /// The name every worker's certificate is checked against; nil: the host each worker
    /// advertises (`WORKER_ADDRESS`). For workers reached at addresses no certificate can name in
    /// advance (containers, pods), which share one certificate naming, say, `taskmaster-worker`.
    package var workerTLSName: String?
    /// Without a token, serve gRPC callers from other hosts too (`--insecure`).
    package var servesOtherHostsWithoutToken = false

    /// Who may call its gRPC server.
    package var grpcAccess: CallerAccess {
        .from(token: clusterToken, insecure: servesOtherHostsWithoutToken, tokenVariable: ClusterToken.environmentVariable)
    }

    package init() {}
}
