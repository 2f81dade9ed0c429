import APIModels
import ArgumentParser
import FoundationEssentials

/// `taskmaster workers`: GET /workers and GET /coordinators.
struct WorkersCommand: APICommand {
    static let configuration = CommandConfiguration(
        commandName: "workers", abstract: "List the live workers and coordinators.",
        discussion: "With --json, prints both replies as one object: {\"workers\":[…],\"coordinators\":[…]}.")

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        let workersBody = try await api.send(.GET, "/workers")
        let coordinatorsBody = try await api.send(.GET, "/coordinators")
        if output.json {
            // Both replies in one object: {"workers":[…],"coordinators":[…]}.
            let merged = try decode([String: JSONValue].self, from: workersBody)
                .merging(try decode([String: JSONValue].self, from: coordinatorsBody)) { first, _ in first }
            return output.raw(try JSONEncoder().encode(merged))
        }
        let workers = try decode(WorkersResponse.self, from: workersBody).workers.map {
            [String($0.workerID), $0.address, $0.executor ?? "", String($0.capacity), String($0.prefetch),
             String($0.inFlight), String($0.freeSlots), $0.queues?.joined(separator: ",") ?? "all", $0.lastHeartbeat]
        }
        output.line(table(
            ["WORKER", "ADDRESS", "EXECUTOR", "CAPACITY", "PREFETCH", "IN FLIGHT", "FREE", "QUEUES", "LAST HEARTBEAT"], workers,
            output: output))
        output.line()
        let coordinators = try decode(CoordinatorsResponse.self, from: coordinatorsBody).coordinators.map {
            [$0.coordinatorID, $0.address, String($0.workers), $0.lastHeartbeat]
        }
        output.line(table(["COORDINATOR", "ADDRESS", "WORKERS", "LAST HEARTBEAT"], coordinators, output: output))
    }
}
