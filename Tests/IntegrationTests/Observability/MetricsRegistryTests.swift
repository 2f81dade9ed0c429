import Metrics
import Testing

@testable import Core
@testable import Postgres
@testable import TaskStorage

/// What `/metrics` renders, recorded through swift-metrics into a registry of the test's own.
@Suite struct MetricsRegistryTests {
    @Test func taskMetricsRenderAsPrometheusText() throws {
        let registry = MetricsRegistry()
        withMetricsFactory(registry.metricsFactory) {
            TaskMetrics.scheduled(count: 3)
            TaskMetrics.dispatched(count: 2)
            TaskMetrics.recorded(.started, requeued: false, startDelay: .milliseconds(7), queue: "default")
            TaskMetrics.recorded(.started, requeued: false, startDelay: nil, queue: "default")
            TaskMetrics.recorded(.completed, requeued: false, startDelay: nil, queue: "default")
            TaskMetrics.recorded(.failed, requeued: true, startDelay: nil, queue: "default")
            TaskMetrics.recorded(.failed, requeued: false, startDelay: nil, queue: "default")
            MetricsSampler.Sample.record(queueDepth: 12)
            MetricsSampler.Sample.record(poolUsage: PostgresPoolUsage(inUse: 2, waiting: 1))
        }
        let text = String(decoding: registry.exposition(), as: UTF8.self)
        let scrape = try PrometheusScrape(parsing: text)
        #expect(scrape.value(MetricNames.tasksScheduled) == 3)
        #expect(scrape.value(MetricNames.tasksDispatched) == 2)
        #expect(scrape.value(MetricNames.tasksCompleted) == 1)
        #expect(scrape.value(MetricNames.tasksRetried) == 1)
        #expect(scrape.value(MetricNames.tasksFailed) == 1)
        #expect(scrape.value(MetricNames.taskStartDelay + "_count") == 1)
        #expect(scrape.value(MetricNames.taskStartDelay + "_bucket", labels: ["le": "0.005"]) == 0)
        #expect(scrape.value(MetricNames.taskStartDelay + "_bucket", labels: ["le": "0.01"]) == 1)
        #expect(scrape.value(MetricNames.taskStartDelay + "_bucket", labels: ["le": "+Inf"]) == 1)
        #expect(scrape.value(MetricNames.queueDepth) == 12)
        #expect(scrape.value(MetricNames.databaseConnectionsInUse) == 2)
        #expect(scrape.value(MetricNames.databaseConnectionsWaiting) == 1)
        #expect(text.contains("# TYPE \(MetricNames.tasksScheduled) counter"))
        #expect(text.contains("# TYPE \(MetricNames.taskStartDelay) histogram"))
    }

    @Test func clientCallsAreTimedByMethodAndCode() async throws {
        let registry = MetricsRegistry()
        try await withTestServer { _, port in
            let client = makeClient(port: port)
            try await withMetricsFactory(registry.metricsFactory) {
                let _: TextMessage = try await client.unary(TestMethods.echo, request: TextMessage("x"))
                _ = await statusOf { try await client.unary(TestMethods.fail, request: TextMessage("x")) as TextMessage }
            }
            await client.close()
        }
        let scrape = try PrometheusScrape(parsing: String(decoding: registry.exposition(), as: UTF8.self))
        let name = MetricNames.rpcClientDuration + "_count"
        #expect(scrape.value(name, labels: ["method": "test.Echo/Echo", "code": "OK"]) == 1)
        #expect(scrape.value(name, labels: ["method": "test.Echo/Fail", "code": "NOT_FOUND"]) == 1)
    }

    @Test func theParserRefusesWhatIsNotExpositionText() {
        #expect(throws: PrometheusScrape.Malformed.self) { try PrometheusScrape(parsing: "<html>") }
        #expect(throws: PrometheusScrape.Malformed.self) { try PrometheusScrape(parsing: "name{a=\"b\" 1") }
        #expect(throws: PrometheusScrape.Malformed.self) { try PrometheusScrape(parsing: "name") }
        #expect(throws: Never.self) { try PrometheusScrape(parsing: "# HELP x y\nx{a=\"q\\\"b\"} 1.5e3 1700000000\n") }
    }
}
