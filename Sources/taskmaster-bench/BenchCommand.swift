import ArgumentParser
import ClusterKit
import Core
import Foundation
import Logging

/// Measures a real cluster on this machine and prints the figures: it starts its own
/// PostgreSQL, coordinator and workers from the same build folder as itself.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taskmaster-bench",
        abstract: "Runs TaskMaster benchmarks against a throwaway cluster and prints the figures.")

    @Option(help: "Scenarios to run: \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scenarios: [Scenario] = Scenario.allCases

    @Option(help: "noop workers in the cluster.")
    var workers = 3

    @Option(help: "Slots of each worker.")
    var capacity = 100

    @Option(help: "Tasks due at one instant in the burst scenario.")
    var burstTasks = 200

    @Option(help: "Tasks posted one every 10 ms in the paced scenario.")
    var pacedTasks = 300

    @Option(help: "Where to write the figures as JSON.")
    var json = "bench-results.json"

    func run() async throws {
        let cluster = try await BenchCluster.start(workers: workers, capacity: capacity)
        var results: [BenchResult] = []
        do {
            for scenario in scenarios {
                print("running \(scenario.rawValue)…")
                results.append(try await scenario.run(on: cluster, options: self))
            }
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
        print(BenchResult.table(results))
        let data = try JSONEncoder.pretty.encode(results)
        try data.write(to: URL(fileURLWithPath: json))
        print("figures written to \(json)")
    }
}

extension JSONEncoder {
    static var pretty: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }
}
