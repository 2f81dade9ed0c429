import ClusterKit
import Testing

@testable import Core
@testable import RPC
@testable import WorkerService

/// A worker judges a hand-off's deadline by the coordinator's clock, which it learns from
/// heartbeat replies, so hosts whose clocks disagree still take hand-offs in time and refuse late
/// ones; and it starts no task once its registration may have lapsed.
@Suite struct HandOffDeadlineTests {
    private static let second: Int64 = 1_000_000

    @Test func aWorkerAheadOfTheCoordinatorTakesHandOffsInTimeAndRefusesLateOnes() async throws {
        try await withRunner(capacity: 2, prefetch: 0, executor: SleepExecutor(duration: .seconds(30))) { runner, _, _ in
            let worker = WorkerRPCService(runner: runner, logger: rpcTestLogger)
            let coordinatorNow = Timestamp.now().microsecondsSinceEpoch - 60 * Self.second
            runner.standing.acknowledged(
                HeartbeatResponse(
                    acknowledged: true, coordinatorTimeMicros: coordinatorNow, coordinatorID: "c", heartbeatTimeoutMicros: 5 * Self.second),
                sentAt: .now, receivedAt: .now)

            let inTime = TaskRequest(
                taskID: "in-time", data: "", attempt: 1, acceptBeforeMicros: coordinatorNow + 5 * Self.second, coordinatorID: "c")
            #expect(worker.submitTask(inTime).success, "by the local clock its deadline passed a minute ago")
            let late = TaskRequest(taskID: "late", data: "", attempt: 1, acceptBeforeMicros: coordinatorNow - 1, coordinatorID: "c")
            #expect(worker.submitTask(late) == TaskResponse(taskID: "late", message: "the hand-off's deadline passed", success: false))
            _ = runner.cancel(taskID: "in-time")
        }
    }

    @Test func heartbeatRepliesSetTheWorkersReckoningOfTheCoordinatorsClock() async throws {
        let coordinator = RecordingCoordinator(clockOffset: .seconds(-3600))
        try await withRunner(capacity: 1, prefetch: 0, executor: NoopExecutor(), coordinator: coordinator) { runner, _, port in
            var configuration = WorkerConfiguration()
            configuration.coordinatorAddresses = [ListenAddress(host: "127.0.0.1", port: port)]
            configuration.heartbeatInterval = .milliseconds(20)
            let client = makeCoordinatorClient(port: port)
            let heartbeats = HeartbeatSender(
                client: client, runner: runner, configuration: configuration, advertisedAddress: { "127.0.0.1:1" },
                logger: rpcTestLogger)
            let sending = Task { try await heartbeats.run() }
            let offset = try await eventually("a heartbeat reply") { () -> Int64? in
                guard let time = runner.standing.coordinatorTime() else { return nil }
                return time - Timestamp.now().microsecondsSinceEpoch
            }
            #expect(abs(offset + 3600 * Self.second) < Self.second, "an hour behind, to within the round trip")
            sending.cancel()
            _ = try? await sending.value
            await client.close()
        }
    }

    @Test func aQueuedTaskWhoseRegistrationLapsedIsHandedBackUnstarted() async throws {
        let executor = GateExecutor()
        try await withRunner(capacity: 1, prefetch: 1, executor: executor) { runner, coordinator, _ in
            runner.standing.acknowledged(
                HeartbeatResponse(
                    acknowledged: true, coordinatorTimeMicros: Timestamp.now().microsecondsSinceEpoch, coordinatorID: "c",
                    heartbeatTimeoutMicros: 300_000),
                sentAt: .now, receivedAt: .now)
            #expect(runner.submit(TaskRequest(taskID: "running", data: "", attempt: 1)) == .accepted)
            #expect(runner.submit(TaskRequest(taskID: "queued", data: "", attempt: 1)) == .accepted)
            try await eventually("the first task to start") { coordinator.reports(of: "running").isEmpty ? nil : true }
            // No heartbeat is acknowledged for longer than the coordinator's timeout, as for a
            // worker stopped (SIGSTOP) or cut off; then its slot frees.
            try await Task.sleep(for: .milliseconds(400))
            executor.open()
            let handedBack = try await eventually("the queued task to be handed back") { coordinator.finalReports(of: "queued").first }
            #expect(handedBack.status == .queued)
            #expect(coordinator.reports(of: "queued").count == 1, "it never started")
        }
    }
}
