import ClusterKit
import Synchronization
import Testing

@testable import Core
@testable import RPC
@testable import WorkerService

/// A worker judges a hand-off's deadline by the coordinator's clock, which it learns from
/// heartbeat replies, so hosts whose clocks disagree still take hand-offs in time and refuse late ones.
@Suite struct HandOffDeadlineTests {
    private static let second: Int64 = 1_000_000

    /// A local clock the test sets.
    private final class ManualClock: Sendable {
        let micros = Mutex<Int64>(1_800_000_000 * 1_000_000)
        func read() -> Int64 { micros.withLock { $0 } }
        func advance(by delta: Int64) { micros.withLock { $0 += delta } }
    }

    @Test func theOffsetIsTakenAtTheRoundTripsMidpoint() {
        let local = ManualClock()
        let clock = CoordinatorClock(localNow: local.read)
        #expect(clock.now() == local.read(), "before any reply, the local clock")
        let sentAt = local.read()
        local.advance(by: 200_000)
        // The coordinator answered 100 ms into the round trip, its clock 30 s behind.
        clock.heard(coordinatorTime: sentAt + 100_000 - 30 * Self.second, sentAt: sentAt, receivedAt: local.read())
        #expect(clock.now() == local.read() - 30 * Self.second)
    }

    @Test func slowRoundTripsAndRepliesWithoutATimeTeachNothing() {
        let local = ManualClock()
        let clock = CoordinatorClock(maxRoundTrip: .seconds(1), localNow: local.read)
        let sentAt = local.read()
        local.advance(by: 2 * Self.second)
        clock.heard(coordinatorTime: sentAt + 3600 * Self.second, sentAt: sentAt, receivedAt: local.read())
        clock.heard(coordinatorTime: 0, sentAt: sentAt, receivedAt: sentAt + 1)
        #expect(clock.now() == local.read())
    }

    @Test func aWorkerAheadOfTheCoordinatorTakesHandOffsInTimeAndRefusesLateOnes() async throws {
        try await withRunner(capacity: 2, prefetch: 0, executor: SleepExecutor(duration: .seconds(30))) { runner, _, _ in
            let local = ManualClock()
            let clock = CoordinatorClock(localNow: local.read)
            let worker = WorkerRPCService(runner: runner, coordinatorClock: clock, logger: rpcTestLogger)
            let coordinatorNow = local.read() - 60 * Self.second
            clock.heard(coordinatorTime: coordinatorNow, sentAt: local.read(), receivedAt: local.read())

            let inTime = TaskRequest(taskID: "in-time", data: "", attempt: 1, acceptBeforeMicros: coordinatorNow + 5 * Self.second)
            #expect(worker.submitTask(inTime).success, "by the local clock its deadline passed a minute ago")
            let late = TaskRequest(taskID: "late", data: "", attempt: 1, acceptBeforeMicros: coordinatorNow - 1)
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
            let clock = CoordinatorClock()
            let heartbeats = HeartbeatSender(
                client: client, runner: runner, coordinatorClock: clock, configuration: configuration,
                advertisedAddress: { "127.0.0.1:1" }, logger: rpcTestLogger)
            let sending = Task { try await heartbeats.run() }
            let offset = try await eventually("a heartbeat reply") { () -> Int64? in
                let offset = clock.now() - Timestamp.now().microsecondsSinceEpoch
                return offset < -1800 * Self.second ? offset : nil
            }
            #expect(abs(offset + 3600 * Self.second) < Self.second, "an hour behind, to within the round trip")
            sending.cancel()
            _ = try? await sending.value
            await client.close()
        }
    }
}
