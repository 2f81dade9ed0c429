/// The defaults scenario's drain with every task carrying a W3C trace context, which the claim
/// reads with each row and the hand-off carries to the worker: compared with the defaults drain
/// of the same run, what carrying it costs the hot path.
enum Traced {
    static let scenario = "traced"
    static let traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    static func run(on cluster: BenchCluster, options: BenchCommand) async throws -> [Figure] {
        try await Drain.run(scenario, tasks: options.defaultsTasks, target: 5_000, traceParent: traceParent, on: cluster)
    }
}
