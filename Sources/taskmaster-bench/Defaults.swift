import Core
import Postgres

/// The cluster as users get it, every flag at its default (the workers run `noop`): how fast it
/// drains a backlog due at one instant, how soon a slot that frees starts its next task, and
/// how late a burst of tasks due at one instant starts.
enum Defaults {
    static let scenario = "defaults"

    static func run(on cluster: BenchCluster, options: BenchCommand) async throws -> [Figure] {
        var figures = try await Drain.run(scenario, tasks: options.defaultsTasks, target: 5_000, on: cluster)
        figures += try await Turnaround.figures(scenario, in: cluster.database)
        figures += try await StartDelay.burst(scenario, tasks: options.burstTasks, p50Target: nil, p99Target: 100, on: cluster)
        return figures
    }
}
