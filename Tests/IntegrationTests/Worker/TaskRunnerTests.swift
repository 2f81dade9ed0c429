import ClusterKit
import Foundation
import Synchronization
import Testing

@testable import Core
@testable import RPC
@testable import WorkerService

@Suite struct TaskRunnerTests {
    private static func task(_ index: Int, _ data: String = "") -> TaskRequest {
        TaskRequest(taskID: "task-\(index)", data: data, attempt: UInt32(index % 3 + 1))
    }

    @Test func capacityTwoNeverRunsThreeAtOnce() async throws {
        try await withRunner(capacity: 2, prefetch: 4, executor: SleepExecutor(duration: .milliseconds(150))) {
            runner, coordinator, _ in
            for index in 0..<6 {
                #expect(runner.submit(Self.task(index)) == .accepted)
            }
            #expect(runner.submit(Self.task(6)) == .full, "capacity + queue limit are taken")
            try await eventually("six completions") {
                coordinator.reports.filter { $0.status == .complete }.count == 6 ? true : nil
            }
            for index in 0..<6 {
                let reports = coordinator.reports(of: "task-\(index)")
                #expect(reports.map(\.status) == [.started, .complete])
                #expect(reports.allSatisfy { $0.attempt == Self.task(index).attempt && $0.workerID == 7 })
            }
            #expect(maximumOverlap(of: coordinator.reports) == 2)
        }
    }

    @Test func shellOutcomesReachTheCoordinator() async throws {
        try await withRunner(capacity: 2, prefetch: 2, executor: TimeLimitedExecutor(ShellExecutor())) {
            runner, coordinator, _ in
            _ = runner.submit(Self.task(1, "echo fine"))
            _ = runner.submit(Self.task(2, "echo broken >&2; exit 4"))
            try await eventually("two final reports") {
                coordinator.reports.filter { $0.status != .started }.count == 2 ? true : nil
            }
            let fine = try #require(coordinator.finalReports(of: "task-1").first)
            #expect(fine.status == .complete && fine.exitCode == 0 && fine.output == "fine\n" && fine.error.isEmpty)
            #expect(fine.completedAtMicros > 0 && fine.completedAt == fine.completedAtMicros / 1_000_000)
            let broken = try #require(coordinator.finalReports(of: "task-2").first)
            #expect(broken.status == .failed && broken.exitCode == 4 && broken.output == "broken\n")
            #expect(broken.error == "exit status 4" && broken.failedAtMicros > 0)
        }
    }

    @Test func drainHandsBackQueuedTasksAtOnceAndFinishesRunningOnes() async throws {
        let gate = GateExecutor()
        let coordinator = try await withRunner(capacity: 1, prefetch: 3, executor: gate) { runner, coordinator, _ in
            for index in 1...3 {
                #expect(runner.submit(Self.task(index)) == .accepted)
            }
            try await eventually("the first task to start") { coordinator.reports(of: "task-1").isEmpty ? nil : true }
            runner.drain()
            #expect(runner.isDraining && runner.freeSlots == 0)
            #expect(runner.submit(Self.task(4)) == .shuttingDown)
            try await eventually("the queued tasks handed back") {
                coordinator.finalReports(of: "task-2").isEmpty || coordinator.finalReports(of: "task-3").isEmpty ? nil : true
            }
            #expect(coordinator.finalReports(of: "task-1").isEmpty, "the running task is still running")
            gate.open()
            return coordinator
        }
        // withRunner waited for the runner to stop: every accepted task has exactly one final report.
        #expect(coordinator.reports(of: "task-1").map(\.status) == [.started, .complete])
        for index in 2...3 {
            let reports = coordinator.reports(of: "task-\(index)")
            #expect(reports.map(\.status) == [.queued], "task-\(index)")
            #expect(reports.first?.attempt == Self.task(index).attempt)
            #expect(reports.first?.workerID == 7)
        }
        #expect(coordinator.reports(of: "task-4").isEmpty)
    }

    @Test func runningTasksPastTheDrainTimeoutAreKilledAndHandedBack() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("drain-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: pidFile) }
        let clock = ContinuousClock()
        let (coordinator, drained) = try await withRunner(
            capacity: 1, prefetch: 1, drainTimeout: .milliseconds(300), executor: ShellExecutor()
        ) { runner, coordinator, _ in
            _ = runner.submit(Self.task(1, "echo $$ > \(pidFile.path); sleep 60"))
            try await eventually("the shell to start") {
                (try? String(contentsOf: pidFile, encoding: .utf8)).flatMap { $0.isEmpty ? nil : true }
            }
            runner.drain()
            return (coordinator, clock.now)
        }
        // Well before the 60 s the task would take; generous because the whole suite shares two cores.
        #expect(clock.now - drained < .seconds(30), "the runner stopped soon after the drain timeout")
        #expect(coordinator.reports(of: "task-1").map(\.status) == [.started, .queued])
        let shell = ProcessProbe.processIDs(in: try String(contentsOf: pidFile, encoding: .utf8))
        #expect(shell.count == 1 && !ProcessProbe.isAlive(shell[0]))
    }

    @Test func cancelTaskKillsARunningShellTaskAndDropsAQueuedOne() async throws {
        try await withRunner(capacity: 1, prefetch: 1, executor: ShellExecutor()) { runner, coordinator, _ in
            let worker = WorkerRPCService(runner: runner, logger: rpcTestLogger)
            try await withTestServer(router: worker.router()) { _, workerPort in
                let client = makeClient(port: workerPort)
                _ = runner.submit(Self.task(1, "sleep 60"))
                _ = runner.submit(Self.task(2, "echo never"))
                try await eventually("the first task to start") { coordinator.reports(of: "task-1").isEmpty ? nil : true }

                let queued: CancelTaskResponse = try await client.unary(
                    GRPCAPIMethods.workerCancelTask, request: CancelTaskRequest(taskID: "task-2"))
                #expect(queued.found)
                let clock = ContinuousClock()
                let start = clock.now
                let running: CancelTaskResponse = try await client.unary(
                    GRPCAPIMethods.workerCancelTask, request: CancelTaskRequest(taskID: "task-1"))
                #expect(running.found)
                let failed = try await eventually("the running task to be reported cancelled") {
                    coordinator.finalReports(of: "task-1").first
                }
                #expect(clock.now - start < .seconds(30), "well before the task would end")
                #expect(failed.status == .failed && failed.error == "cancelled" && failed.failedAtMicros > 0)
                let dropped = try await eventually("the queued task to be reported cancelled") {
                    coordinator.finalReports(of: "task-2").first
                }
                #expect(coordinator.reports(of: "task-2").count == 1, "never started")
                #expect(dropped.status == .failed && dropped.error == "cancelled")

                let unknown: CancelTaskResponse = try await client.unary(
                    GRPCAPIMethods.workerCancelTask, request: CancelTaskRequest(taskID: "task-1"))
                #expect(!unknown.found, "a finished task is no longer held")
                await client.close()
            }
        }
    }

    @Test func refusalsSayWhy() async throws {
        try await withRunner(capacity: 1, prefetch: 0, executor: SleepExecutor(duration: .seconds(30))) {
            runner, coordinator, _ in
            let worker = WorkerRPCService(runner: runner, logger: rpcTestLogger)
            #expect(worker.submitTask(Self.task(1)).success)
            #expect(worker.submitTask(Self.task(2)) == TaskResponse(taskID: "task-2", message: "worker is full", success: false))
            runner.drain()
            #expect(
                worker.submitTask(Self.task(3))
                    == TaskResponse(taskID: "task-3", message: "worker is shutting down", success: false))
            _ = runner.cancel(taskID: "task-1")
        }
    }

    @Test func cancellingTheRunnerHandsBackEverythingItHolds() async throws {
        let coordinator = RecordingCoordinator()
        try await withTestServer(router: coordinator.router()) { _, port in
            let client = makeCoordinatorClient(port: port)
            let runner = TaskRunner(
                capacity: 1, prefetch: 1, executor: SleepExecutor(duration: .seconds(30)),
                reporter: StatusReporter(client: client, logger: rpcTestLogger), workerID: 7, logger: rpcTestLogger)
            let running = Task { try await runner.run() }
            _ = runner.submit(Self.task(1))
            _ = runner.submit(Self.task(2))
            try await eventually("the first task to start") { coordinator.reports(of: "task-1").isEmpty ? nil : true }
            running.cancel()
            try await running.value
            #expect(coordinator.reports(of: "task-1").map(\.status) == [.started, .queued])
            #expect(coordinator.reports(of: "task-2").map(\.status) == [.queued])
            await client.close()
        }
    }

    @Test func heartbeatsSayWhenTheWorkerDrains() async throws {
        try await withRunner(capacity: 3, prefetch: 0, executor: NoopExecutor()) { runner, coordinator, port in
            var configuration = WorkerConfiguration()
            configuration.coordinatorAddresses = [ListenAddress(host: "127.0.0.1", port: port)]
            configuration.capacity = 3
            configuration.heartbeatInterval = .milliseconds(20)
            let client = makeCoordinatorClient(port: port)
            let heartbeats = HeartbeatSender(
                client: client, runner: runner, configuration: configuration,
                advertisedAddress: { "127.0.0.1:1" }, logger: rpcTestLogger)
            let sending = Task { try await heartbeats.run() }
            try await eventually("a heartbeat") { coordinator.heartbeats.first }
            runner.drain()
            let draining = try await eventually("a draining heartbeat") { coordinator.heartbeats.last { $0.draining } }
            #expect(draining.capacity == 3 && draining.freeSlots == 0)
            #expect(coordinator.heartbeats.first?.draining == false)
            sending.cancel()
            _ = try? await sending.value
            await client.close()
        }
    }

    @Test func shortTasksReachTheCoordinatorInBatchesEachExactlyOnce() async throws {
        let coordinator = try await withRunner(capacity: 50, prefetch: 200, executor: NoopExecutor()) { runner, coordinator, _ in
            for index in 0..<200 {
                #expect(runner.submit(Self.task(index)) == .accepted)
            }
            try await eventually("200 completions") {
                coordinator.reports.filter { $0.status == .complete }.count == 200 ? true : nil
            }
            return coordinator
        }
        for index in 0..<200 {
            let reports = coordinator.reports(of: "task-\(index)")
            #expect(reports.map(\.status) == [.started, .complete], "task-\(index)")
            #expect((reports.first?.startedAtMicros ?? 0) > 0)
        }
        #expect(coordinator.batchSizes.count < 200, "reports waiting together go in one call: \(coordinator.batchSizes)")
        #expect(coordinator.batchSizes.reduce(0, +) <= 400)
    }

    @Test func aCoordinatorWithoutBatchesGetsEachReportOnItsOwn() async throws {
        let original = RecordingCoordinator(servesBatches: false)
        try await withRunner(capacity: 4, prefetch: 20, executor: NoopExecutor(), coordinator: original) { runner, coordinator, _ in
            for index in 0..<20 {
                #expect(runner.submit(Self.task(index)) == .accepted)
            }
            try await eventually("20 completions") {
                coordinator.reports.filter { $0.status == .complete }.count == 20 ? true : nil
            }
        }
        #expect(original.batchSizes.isEmpty)
        for index in 0..<20 {
            #expect(original.reports(of: "task-\(index)").map(\.status) == [.started, .complete])
        }
    }

    /// A coordinator whose UpdateTaskStatuses fails with UNAVAILABLE while `down`; it records what
    /// it took once up.
    private final class FlakyCoordinator: Sendable {
        let down = Mutex(true)
        let calls = Mutex(0)
        let taken = Mutex([String]())

        func router() -> GRPCRouter {
            var router = GRPCRouter()
            router.register(GRPCAPIMethods.updateTaskStatuses) { (request: UpdateTaskStatusBatchRequest, _) -> UpdateTaskStatusBatchResponse in
                self.calls.withLock { $0 += 1 }
                if self.down.withLock({ $0 }) { throw GRPCStatus(code: .unavailable, message: "database unavailable") }
                self.taken.withLock { $0 += request.updates.filter { $0.status != .started }.map(\.taskID) }
                return UpdateTaskStatusBatchResponse()
            }
            return router
        }
    }

    @Test func reportsWaitAsLongAsTheCoordinatorIsDownThenArriveOnce() async throws {
        let coordinator = FlakyCoordinator()
        try await withTestServer(router: coordinator.router()) { _, port in
            let client = makeCoordinatorClient(port: port)
            let runner = TaskRunner(
                capacity: 10, prefetch: 0, executor: NoopExecutor(),
                reporter: StatusReporter(client: client, logger: rpcTestLogger), workerID: 7, logger: rpcTestLogger)
            let running = Task { try await runner.run() }
            for index in 0..<10 { #expect(runner.submit(Self.task(index)) == .accepted) }
            // Longer than the ten seconds after which reports used to be given up.
            try await Task.sleep(for: .seconds(12))
            #expect(coordinator.calls.withLock { $0 } > 5, "retried all along")
            coordinator.down.withLock { $0 = false }
            try await eventually("every report to arrive") { coordinator.taken.withLock { $0.count } >= 10 ? true : nil }
            #expect(coordinator.taken.withLock { $0 }.sorted() == (0..<10).map { "task-\($0)" }.sorted())
            runner.drain()
            try await running.value
            await client.close()
        }
    }

    @Test func aWorkerWhoseReportsPileUpTakesNoNewTaskUntilTheyLeave() async throws {
        let coordinator = FlakyCoordinator()
        try await withTestServer(router: coordinator.router()) { _, port in
            let client = makeCoordinatorClient(port: port)
            let runner = TaskRunner(
                capacity: 20, prefetch: 0, executor: NoopExecutor(),
                reporter: StatusReporter(client: client, logger: rpcTestLogger, backlogLimit: 5), workerID: 7,
                logger: rpcTestLogger)
            let running = Task { try await runner.run() }
            for index in 0..<10 { #expect(runner.submit(Self.task(index)) == .accepted) }
            try await eventually("the backlog to be full") { runner.heartbeatState.freeSlots == 0 ? true : nil }
            #expect(runner.submit(Self.task(10)) == .full)
            coordinator.down.withLock { $0 = false }
            try await eventually("the backlog to drain") { runner.heartbeatState.freeSlots == 20 ? true : nil }
            #expect(runner.submit(Self.task(10)) == .accepted)
            try await eventually("every report to arrive") { coordinator.taken.withLock { $0.count } >= 11 ? true : nil }
            runner.drain()
            try await running.value
            await client.close()
        }
    }

    @Test func aFinishedTaskWhoseReportWaitsIsNotCountedFreeYet() async throws {
        let coordinator = FlakyCoordinator()
        try await withTestServer(router: coordinator.router()) { _, port in
            let client = makeCoordinatorClient(port: port)
            let runner = TaskRunner(
                capacity: 4, prefetch: 0, executor: NoopExecutor(), reporter: StatusReporter(client: client, logger: rpcTestLogger),
                workerID: 7, logger: rpcTestLogger)
            let running = Task { try await runner.run() }
            for index in 0..<3 { #expect(runner.submit(Self.task(index)) == .accepted) }
            // Noop tasks end at once; their reports are refused and sent again.
            try await eventually("the reports to be refused twice") { coordinator.calls.withLock { $0 } >= 2 ? true : nil }
            #expect(runner.heartbeatState.heldTaskIDs.count == 3, "held until the coordinator takes their reports")
            // The coordinator frees a slot when it takes the task's report: free now, it would be twice.
            #expect(runner.heartbeatState.freeSlots == 1)
            coordinator.down.withLock { $0 = false }
            try await eventually("the reports to arrive") { runner.heartbeatState.freeSlots == 4 ? true : nil }
            runner.drain()
            try await running.value
            await client.close()
        }
    }

    @Test func aStoppingWorkerGivesUpOnAnUnreachableCoordinatorAfterItsGrace() async throws {
        let coordinator = FlakyCoordinator()
        try await withTestServer(router: coordinator.router()) { _, port in
            let client = makeCoordinatorClient(port: port)
            let runner = TaskRunner(
                capacity: 700, prefetch: 0, executor: NoopExecutor(),
                reporter: StatusReporter(client: client, logger: rpcTestLogger, stopGrace: .seconds(3)), workerID: 7,
                logger: rpcTestLogger)
            let running = Task { try await runner.run() }
            for index in 0..<600 { _ = runner.submit(Self.task(index)) }
            let start = ContinuousClock.now
            runner.drain()
            try await running.value
            #expect(ContinuousClock.now - start < .seconds(10), "stopped after its grace")
            #expect(coordinator.calls.withLock { $0 } >= 2, "retried while the grace lasted")
            await client.close()
        }
    }
}
