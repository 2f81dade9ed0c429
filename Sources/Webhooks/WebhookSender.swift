import APIClient
import APIModels
package import Core
import FoundationEssentials
import NIOCore
import NIOPosix
import NIOSSL
package import TaskStorage

/// Makes one attempt of a delivery: `POST` of the event's JSON to the webhook's URL, signed,
/// within `timeout` from resolving its host to reading the answer. Redirects are not followed:
/// a 3xx is a failed attempt like any answer other than 2xx.
package struct WebhookSender: Sendable {
    package static let eventIDHeader = "TaskMaster-Event-Id"

    private let addressPolicy: WebhookAddressPolicy
    private let timeout: Duration
    private let tls: NIOSSLContext

    /// `tls` checks HTTPS receivers against the system's certificate authorities.
    package init(addressPolicy: WebhookAddressPolicy, timeout: Duration = .seconds(10)) throws {
        self.addressPolicy = addressPolicy
        self.timeout = timeout
        tls = try NIOSSLContext(configuration: .makeClientConfiguration())
    }

    /// Delivers `delivery` now (its signature's time is `now`).
    package func deliver(_ delivery: PendingDelivery, now: Timestamp = .now()) async -> DeliveryOutcome {
        let target: WebhookTarget
        do {
            target = try WebhookTarget(url: delivery.url)
        } catch {
            return .refused(error: "the URL \(error)")
        }
        let deadline = ContinuousClock.now + timeout
        let address: SocketAddress
        do {
            address = try await Self.resolve(target)
        } catch {
            return .failed(status: nil, error: "cannot resolve \(target.host): \(error)")
        }
        guard addressPolicy.allows(address) else {
            return .refused(error: "\(target.host) is \(address.ipAddress ?? "?"), not a public address (--webhook_addresses=public)")
        }
        guard let body = try? Self.body(of: delivery) else { return .refused(error: "the event cannot be written as JSON") }
        let headers = [
            ("User-Agent", "TaskMaster-Webhook/1"), (Self.eventIDHeader, delivery.eventID.text),
            (WebhookSignature.headerName, WebhookSignature.header(body: body, secret: delivery.secret, unixSeconds: now.unixSeconds)),
        ]
        let connection: HTTPConnection
        do {
            connection = try await HTTPConnection.connect(
                to: address, host: target.host, tls: target.isHTTPS ? tls : nil, connectTimeout: ContinuousClock.now.duration(to: deadline))
        } catch {
            return .failed(status: nil, error: "cannot connect to \(target.host):\(target.port): \(error)")
        }
        let outcome: DeliveryOutcome
        do {
            let answer = try await connection.send(
                .POST, target.path, headers: headers, body: ByteBuffer(bytes: body),
                timeout: max(.milliseconds(1), ContinuousClock.now.duration(to: deadline)))
            outcome = (200...299).contains(answer.status)
                ? .delivered(status: answer.status) : .failed(status: answer.status, error: "the receiver answered \(answer.status)")
        } catch {
            outcome = .failed(status: nil, error: "\(error)")
        }
        await connection.close()
        return outcome
    }

    /// The JSON the receiver gets.
    static func body(of delivery: PendingDelivery) throws -> [UInt8] {
        let event = WebhookEventBody(
            eventID: delivery.eventID.text, type: delivery.type, occurredAt: delivery.occurredAt.rfc3339,
            task: delivery.task.map(TaskStatusResponse.init),
            schedule: delivery.scheduleID.flatMap { id in
                delivery.nominalTime.map { WebhookEventBody.Schedule(scheduleID: id.text, nominalTime: $0.rfc3339) }
            })
        return Array(try JSONEncoder().encode(event))
    }

    /// The first address of the target's host, resolved off the cooperative pool (getaddrinfo blocks).
    private static func resolve(_ target: WebhookTarget) async throws -> SocketAddress {
        try await NIOThreadPool.singleton.runIfActive {
            try SocketAddress.makeAddressResolvingHost(target.host, port: target.port)
        }
    }
}

extension Timestamp {
    /// Whole seconds since the Unix epoch.
    fileprivate var unixSeconds: Int64 { microsecondsSinceEpoch / 1_000_000 }
}
