import ArgumentParser
import ClusterKit
import Foundation

/// Measures a real cluster on this machine and prints the figures: it starts its own
/// PostgreSQL, scheduler, coordinator and workers from the same build folder as itself, every
/// service with its default flags but for what a scenario names (shown with its figures).
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taskmaster-bench",
        abstract: "Runs TaskMaster benchmarks against a throwaway cluster and prints the figures.")

    @Option(help: "A scenario to run; repeat the option for several. They run in the order given.")
    var scenarios: [Scenario] = Scenario.allCases

    @Option(help: "noop workers in the cluster.")
    var workers = 3

    @Option(help: "Slots of each worker in the drain, burst, paced, limits, backlog and schedules scenarios (--capacity); the others run the default.")
    var wideCapacity = 100

    @Option(help: "Tasks of the end-to-end and drain scenarios.")
    var tasks = 50_000

    @Option(help: "Tasks of the defaults scenario's drain.")
    var defaultsTasks = 20_000

    @Option(help: "Drains of the tls scenario with TLS and without, each (the best of each is compared).")
    var tlsRounds = 2

    @Option(help: "Drains of the webhooks scenario with deliveries pending to a dead receiver and without, each (the best of each is compared).")
    var webhookRounds = 3

    @Option(help: "Tasks of each backlog of the limits scenario.")
    var limitsTasks = 20_000

    @Option(help: "Concurrent keep-alive HTTP clients (and pgbench clients).")
    var clients = 16

    @Option(help: "Tasks per POST /schedule/batch request.")
    var batchSize = 500

    @Option(help: "How long pgbench runs, in seconds.")
    var pgbenchSeconds = 10

    @Option(help: "Tasks due at one instant in the burst scenario.")
    var burstTasks = 200

    @Option(help: "Tasks posted one every 10 ms in the paced scenario.")
    var pacedTasks = 300

    @Option(help: "Concurrent streams of the rpc scenario (one connection).")
    var rpcStreams = 64

    @Option(help: "Most calls of the rpc scenario.")
    var rpcCalls = 200_000

    @Option(help: "Longest run of the rpc scenario, in seconds.")
    var rpcSeconds = 5

    @Option(help: "The small backlog, also the number of claims the claim rate is measured over.")
    var backlogSmall = 10_000

    @Option(help: "The large backlog.")
    var backlogLarge = 1_000_000

    @Option(help: "GET /status requests sent while each backlog is claimed.")
    var statusRequests = 5_000

    @Option(help: "Schedules `* * * * *` of the schedules scenario's thundering herd.")
    var herdSchedules = 10_000

    @Option(help: "Minute boundaries the herd fires at.")
    var herdMinutes = 3

    @Option(help: "Schedules `* * * * * *` of the schedules scenario.")
    var everySecondSchedules = 100

    @Option(help: "Seconds the every-second schedules fire for.")
    var everySecondSeconds = 60

    @Option(help: "Where to write the figures as JSON.")
    var json = "bench-results.json"

    @Option(help: "The Python of a venv with scripts/bench/requirements.txt, which runs pgqueuer.")
    var peerPython = ".venv-bench/bin/python"

    func validate() throws {
        for (name, value) in [
            ("--workers", workers), ("--wide-capacity", wideCapacity), ("--tasks", tasks),
            ("--defaults-tasks", defaultsTasks), ("--tls-rounds", tlsRounds), ("--webhook-rounds", webhookRounds),
            ("--limits-tasks", limitsTasks), ("--clients", clients),
            ("--batch-size", batchSize), ("--pgbench-seconds", pgbenchSeconds), ("--burst-tasks", burstTasks),
            ("--paced-tasks", pacedTasks), ("--rpc-streams", rpcStreams), ("--rpc-calls", rpcCalls),
            ("--rpc-seconds", rpcSeconds), ("--backlog-small", backlogSmall), ("--status-requests", statusRequests),
        ] where value < 1 {
            throw ValidationError("\(name) must be at least 1")
        }
        guard backlogLarge >= backlogSmall else { throw ValidationError("--backlog-large must be at least --backlog-small") }
        guard batchSize <= 10_000 else { throw ValidationError("--batch-size must be at most 10000") }
    }

    func run() async throws {
        // The services' logs and the throwaway database go in a folder of this run, removed at the end.
        let runDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("taskmaster-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        setenv("TMPDIR", runDirectory.path, 1)
        defer { try? FileManager.default.removeItem(at: runDirectory) }
        var cluster = try await BenchCluster.start(workers: workers, workerFlags: [])
        let memory = MemoryLog(processes: cluster.processes)
        var figures: [Figure] = []
        do {
            for scenario in scenarios {
                let flags = scenario.workerFlags(self)
                print("running \(scenario.rawValue)\(flags.isEmpty ? "" : " (workers \(flags.joined(separator: " ")))")…")
                try await cluster.useWorkers(flags: flags)
                if scenario.isEndToEnd { memory.loadStarts(cluster.processes) }
                figures += try await scenario.run(on: cluster, options: self, memory: memory).map { figure in
                    var figure = figure
                    figure.flags = flags.joined(separator: " ")
                    return figure
                }
                if scenario.isEndToEnd { memory.loadEnded(cluster.processes) }
            }
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
        figures += Self.comparisons(figures)
        print(FigureTable.render(figures))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(figures).write(to: URL(fileURLWithPath: json))
        let missed = figures.filter { $0.met == false }.count
        print("\(missed) of \(figures.filter { $0.met != nil }.count) targets missed; figures written to \(json)")
    }

    /// Figures that compare two scenarios, when both ran: the drains against pgqueuer's (the
    /// targets: 1.2× at the defaults, 2× with wide workers); the traced drain against the defaults
    /// one (carrying trace context costs at most 5 %); `/schedule` alone against pgbench alone
    /// (the target), and `/schedule` while the cluster also runs every task against pgbench.
    private static func comparisons(_ figures: [Figure]) -> [Figure] {
        var comparisons: [Figure] = []
        if let untraced = figures.value(of: Defaults.scenario, Drain.rate), let traced = figures.value(of: Traced.scenario, Drain.rate) {
            comparisons.append(Figure(Traced.scenario, "traced drain rate ÷ defaults drain rate", traced / untraced, target: .atLeast(0.95)))
        }
        if let peer = figures.value(of: PeerQueue.scenario, PeerQueue.rate) {
            for (scenario, target) in [(Defaults.scenario, 1.2), (Drain.scenario, 2.0)] {
                guard let rate = figures.value(of: scenario, Drain.rate) else { continue }
                comparisons.append(Figure(PeerQueue.scenario, "\(scenario) drain rate ÷ pgqueuer", rate / peer, target: .atLeast(target)))
            }
        }
        guard let tps = figures.value(of: PGBench.scenario, PGBench.tps) else { return comparisons }
        if let rate = figures.value(of: ScheduleOnly.scenario, ScheduleOnly.rate) {
            comparisons.append(Figure(PGBench.scenario, "schedule rate ÷ pgbench", rate / tps, target: .atLeast(0.7)))
        }
        if let rate = figures.value(of: Scenario.e2eSingle.rawValue, EndToEnd.scheduleRate) {
            comparisons.append(Figure(PGBench.scenario, "e2e-single schedule rate ÷ pgbench", rate / tps))
        }
        return comparisons
    }
}
