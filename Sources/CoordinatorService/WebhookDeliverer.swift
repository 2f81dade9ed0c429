package import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import Core
package import TaskStorage
package import Webhooks

/// Delivers webhook events, at least once, from the outbox every coordinator shares: it takes
/// due deliveries under a lease (so a coordinator that dies mid-way leaves them to another one),
/// makes up to `maxInFlight` attempts at once, no more than `perWebhook` to one receiver (so a
/// slow or dead receiver holds few of them), and records how each went: delivered, due again
/// after a backoff, or dead once `retryFor` has passed since its event. A receiver that keeps
/// failing is rested (see `ReceiverRests`), so a dead one does not cost an attempt for every
/// delivery waiting for it.
package final class WebhookDeliverer: Service, Sendable {
    package struct Configuration: Sendable, Hashable {
        package var maxInFlight = 64
        package var perWebhook = 8
        /// Longer than an attempt may take, so a live deliverer's lease never runs out mid-attempt.
        package var lease: Duration = .seconds(30)
        /// How long failed deliveries are retried before they are given up on (dead).
        package var retryFor: Duration = .seconds(24 * 3600)
        /// How often the outbox is looked at while nothing is due.
        package var pollInterval: Duration = .milliseconds(250)

        package init() {}
    }

    private let outbox: WebhookOutbox
    private let sender: WebhookSender
    private let configuration: Configuration
    private let logger: Logger
    private let finished = Mutex<[(delivery: PendingDelivery, outcome: DeliveryOutcome)]>([])
    private let inFlight = Mutex(0)
    private let rests = Mutex(ReceiverRests())
    private let wakeSignal = WakeSignal()
    /// Failed deliveries of one webhook are logged at most once every ten seconds.
    private let failureLog = LogThrottle()

    package init(outbox: WebhookOutbox, sender: WebhookSender, configuration: Configuration, logger: Logger) {
        self.outbox = outbox
        self.sender = sender
        self.configuration = configuration
        self.logger = logger
    }

    package func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                while !Task.isShuttingDownGracefully, !Task.isCancelled {
                    await recordFinished()
                    let taken = await takeDue()
                    for delivery in taken {
                        group.addTask { await self.attempt(delivery) }
                    }
                    if taken.isEmpty || inFlight.withLock({ $0 }) >= configuration.maxInFlight {
                        await wakeSignal.wait(timeout: configuration.pollInterval)
                    }
                }
            }
        } onGracefulShutdown: {
            self.wakeSignal.signal()
        }
        await recordFinished()
    }

    /// Takes as many due deliveries as there are free places.
    private func takeDue() async -> [PendingDelivery] {
        let free = configuration.maxInFlight - inFlight.withLock { $0 }
        guard free > 0 else { return [] }
        do {
            let resting = rests.withLock { $0.resting(at: .now) }
            let taken = try await outbox.takeDue(
                limit: free, perWebhook: configuration.perWebhook, lease: configuration.lease, skipping: resting)
            inFlight.withLock { $0 += taken.count }
            return taken
        } catch {
            logger.warning("taking webhook deliveries failed", metadata: [LogKey.error: "\(error)"])
            return []
        }
    }

    private func attempt(_ delivery: PendingDelivery) async {
        let outcome = await sender.deliver(delivery)
        finished.withLock { $0.append((delivery, outcome)) }
        inFlight.withLock { $0 -= 1 }
        wakeSignal.signal()
    }

    /// Writes what the finished attempts did, in one statement; kept for the next round if the
    /// database does not take it (the leases keep the deliveries meanwhile).
    private func recordFinished() async {
        let outcomes = finished.withLock { finished in
            defer { finished = [] }
            return finished
        }
        guard !outcomes.isEmpty else { return }
        do {
            try await outbox.record(outcomes, retryFor: configuration.retryFor)
        } catch {
            logger.warning("recording webhook deliveries failed", metadata: [LogKey.error: "\(error)"])
            finished.withLock { $0 += outcomes }
            return
        }
        let now = ContinuousClock.now
        rests.withLock { rests in
            for (delivery, outcome) in outcomes where !outcome.isRefused {
                rests.record(webhook: delivery.webhookID, delivered: outcome.isDelivered, at: now)
            }
        }
        for (_, outcome) in outcomes { count(outcome) }
        for (delivery, outcome) in outcomes where !outcome.isDelivered && failureLog.allows(delivery.webhookID.text) {
            logger.warning(
                "webhook delivery failed",
                metadata: [
                    LogKey.webhookID: "\(delivery.webhookID.text)", LogKey.eventID: "\(delivery.eventID.text)",
                    LogKey.attempt: "\(delivery.attempt)", LogKey.error: "\(outcome.message)",
                ])
        }
    }

    private func count(_ outcome: DeliveryOutcome) {
        Counter(label: MetricNames.webhookDeliveries, dimensions: [(MetricNames.Label.outcome, outcome.metricLabel)]).increment()
    }
}

extension DeliveryOutcome {
    fileprivate var isDelivered: Bool {
        if case .delivered = self { true } else { false }
    }

    fileprivate var isRefused: Bool {
        if case .refused = self { true } else { false }
    }

    fileprivate var metricLabel: String {
        switch self {
        case .delivered: "delivered"
        case .failed: "failed"
        case .refused: "refused"
        }
    }

    fileprivate var message: String {
        switch self {
        case .delivered(let status): "delivered (\(status))"
        case .failed(_, let error), .refused(let error): error
        }
    }
}
