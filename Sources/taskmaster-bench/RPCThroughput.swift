import Core
import Postgres
import RPC
import TaskStorage
import Logging

/// Unary calls over one HTTP/2 connection with many concurrent streams, against an in-process
/// server whose handler does nothing: what the RPC layer itself costs.
enum RPCThroughput {
    static let scenario = "rpc"

    static func run(options: BenchCommand) async throws -> [Figure] {
        var logger = Logger(label: "bench-rpc")
        logger.logLevel = .warning
        var router = GRPCRouter()
        router.register(GRPCAPIMethods.sendHeartbeat) { (_: HeartbeatRequest, _) in HeartbeatResponse(acknowledged: true) }
        let server = GRPCServer(
            configuration: GRPCServerConfiguration(host: "127.0.0.1", port: 0, shutdownGracePeriod: .seconds(1)),
            router: router, logger: logger)
        let tally = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { group.cancelAll() }
            let port = try await server.listeningPort()
            let client = GRPCClient(configuration: GRPCClientConfiguration(host: "127.0.0.1", port: port), logger: logger)
            let tally = await callConcurrently(
                client, streams: options.rpcStreams, calls: options.rpcCalls, for: .seconds(options.rpcSeconds))
            await client.close()
            return tally
        }
        let sorted = tally.latenciesMilliseconds.sorted()
        return [
            Figure(scenario, "concurrent streams", options.rpcStreams),
            Figure(scenario, "calls", tally.succeeded),
            Figure(scenario, "unary calls/s", Double(tally.succeeded) / tally.seconds, "calls/s"),
            Figure(scenario, "latency p50", percentile(0.5, of: sorted) * 1000, "µs"),
            Figure(scenario, "latency p99", percentile(0.99, of: sorted) * 1000, "µs"),
            Figure(scenario, "failed calls", tally.failed, target: .equal(0)),
        ]
    }

    private struct Tally: Sendable {
        var succeeded = 0
        var failed = 0
        var latenciesMilliseconds: [Double] = []
        var seconds = 0.0
    }

    /// Makes up to `calls` calls from `streams` concurrent tasks, for at most `duration`.
    private static func callConcurrently(_ client: GRPCClient, streams: Int, calls: Int, for duration: Duration) async -> Tally {
        let tickets = TicketDispenser(count: calls)
        let start = ContinuousClock.now
        let deadline = start + duration
        var total = await withTaskGroup(of: Tally.self) { group in
            for _ in 0..<streams {
                group.addTask {
                    var tally = Tally()
                    while ContinuousClock.now < deadline, tickets.next() != nil {
                        let callStart = ContinuousClock.now
                        do {
                            let _: HeartbeatResponse = try await client.unary(
                                GRPCAPIMethods.sendHeartbeat, request: HeartbeatRequest(workerID: 1, address: "127.0.0.1:1"))
                            tally.succeeded += 1
                            tally.latenciesMilliseconds.append((ContinuousClock.now - callStart).seconds * 1000)
                        } catch {
                            tally.failed += 1
                        }
                    }
                    return tally
                }
            }
            return await group.reduce(into: Tally()) { total, part in
                total.succeeded += part.succeeded
                total.failed += part.failed
                total.latenciesMilliseconds += part.latenciesMilliseconds
            }
        }
        total.seconds = (ContinuousClock.now - start).seconds
        return total
    }
}
