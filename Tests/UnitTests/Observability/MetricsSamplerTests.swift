import Testing

@testable import Core

/// Sampling the gauges takes at most 2% of the time: a slow round (a large backlog to count)
/// pushes the next one back.
@Suite struct MetricsSamplerTests {
    @Test func aQuickRoundWaitsTheInterval() {
        #expect(MetricsSampler.pause(after: .milliseconds(3), interval: .seconds(2)) == .seconds(2))
        #expect(MetricsSampler.pause(after: .zero, interval: .seconds(2)) == .seconds(2))
    }

    @Test func aSlowRoundWaitsFortyNineTimesItsLength() {
        #expect(MetricsSampler.pause(after: .milliseconds(80), interval: .seconds(2)) == .milliseconds(3920))
        #expect(MetricsSampler.pause(after: .milliseconds(800), interval: .seconds(2)) == .milliseconds(39200))
    }
}
