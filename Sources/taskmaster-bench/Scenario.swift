import ArgumentParser

/// The benchmark scenarios, run in this order.
enum Scenario: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// Tasks due now, one per `POST /schedule`, run by the workers.
    case e2eSingle = "e2e-single"
    /// The same tasks through `POST /schedule/batch`.
    case e2eBatch = "e2e-batch"
    /// `POST /schedule` alone, for tasks due far in the future.
    case schedule
    /// `pgbench` making the same inserts straight into PostgreSQL.
    case pgbench
    /// A backlog and a burst due at one instant with every flag at its default: the drain rate,
    /// how soon a slot that frees starts the next task, how late the burst starts.
    case defaults
    /// The defaults scenario's drain with every task carrying a W3C trace context.
    case traced
    /// pgqueuer, a peer, working off the defaults scenario's backlog at its own defaults.
    case pgqueuer
    /// The defaults scenario's drain with mutual TLS on every link, against the same drain without.
    case tls
    /// A backlog due at one instant, worked off by wide workers.
    case drain
    /// Many tasks due at one instant: how late they start.
    case burst
    /// One task posted every 10 ms: how late they start.
    case paced
    /// Unary calls over one HTTP/2 connection against an in-process server.
    case rpc
    /// Queues with limits: a backlog over many keys limited one at a time, a queue limited to 50
    /// at once, high priorities arriving while low ones drain.
    case limits
    /// Webhooks at the defaults: deliveries to a fast local receiver, and the drain while
    /// deliveries to a dead receiver wait.
    case webhooks
    /// Claiming and `GET /status` with a small and a large backlog.
    case backlog
    /// Recurring schedules: a herd firing at the same second of every minute, and schedules
    /// firing every second.
    case schedules
    /// Two coordinators with three workers each, one SIGKILLed while tasks flow.
    case failover
    /// Resident memory of every service, idle and under the end-to-end load, and the
    /// coordinator's with the large backlog: run it after those scenarios.
    case memory

    /// Whether the scenario loads every service (memory peaks are taken over these).
    var isEndToEnd: Bool {
        self == .e2eSingle || self == .e2eBatch
    }

    /// The workers' flags beyond `--executor=noop`: none, or wide workers for the scenarios that
    /// measure how far the cluster scales.
    func workerFlags(_ options: BenchCommand) -> [String] {
        switch self {
        case .drain, .burst, .paced, .limits, .backlog, .schedules: ["--capacity=\(options.wideCapacity)"]
        case .e2eSingle, .e2eBatch, .schedule, .pgbench, .defaults, .traced, .pgqueuer, .tls, .rpc, .webhooks, .failover, .memory: []
        }
    }

    func run(on cluster: BenchCluster, options: BenchCommand, memory: MemoryLog) async throws -> [Figure] {
        switch self {
        case .e2eSingle: try await EndToEnd(scenario: rawValue, batchSize: nil).run(on: cluster, options: options)
        case .e2eBatch: try await EndToEnd(scenario: rawValue, batchSize: options.batchSize).run(on: cluster, options: options)
        case .schedule: try await ScheduleOnly.run(on: cluster, options: options)
        case .pgbench: try await PGBench.run(on: cluster, options: options)
        case .defaults: try await Defaults.run(on: cluster, options: options)
        case .traced: try await Traced.run(on: cluster, options: options)
        case .pgqueuer: try await PeerQueue.run(on: cluster, options: options)
        case .tls: try await TLSDrain.run(on: cluster, options: options)
        case .drain: try await Drain.run(on: cluster, options: options)
        case .burst: try await StartDelay.burst("burst", tasks: options.burstTasks, p50Target: 5, p99Target: 20, on: cluster)
        case .paced: try await StartDelay.paced(on: cluster, options: options)
        case .rpc: try await RPCThroughput.run(options: options)
        case .limits: try await Limits.run(on: cluster, options: options)
        case .webhooks: try await WebhookDelivery.run(on: cluster, options: options)
        case .backlog: try await Backlog.run(on: cluster, options: options, memory: memory)
        case .schedules: try await Schedules.run(on: cluster, options: options)
        case .failover: try await Failover.run(on: cluster)
        case .memory: memory.figures()
        }
    }
}
