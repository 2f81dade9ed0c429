import APIClient
import NIOCore
import NIOHTTP1

/// One request of a load run.
struct LoadRequest: Sendable {
    var method: HTTPMethod
    var uri: String
    var body: ByteBuffer?
}

/// What a load run saw.
struct LoadOutcome: Sendable {
    var sent = 0
    var ok = 0
    /// Answers other than 200, requests that failed, and requests never sent.
    var failures = 0
    /// The first failure, to show what went wrong.
    var firstFailure: String?
    var latenciesMilliseconds: [Double] = []
    var firstSent: ContinuousClock.Instant?
    var lastAnswered: ContinuousClock.Instant?

    /// From the first request sent to the last answer received.
    var elapsedSeconds: Double {
        guard let firstSent, let lastAnswered else { return .nan }
        return (lastAnswered - firstSent).seconds
    }

    mutating func merge(_ other: LoadOutcome) {
        sent += other.sent
        ok += other.ok
        failures += other.failures
        firstFailure = firstFailure ?? other.firstFailure
        latenciesMilliseconds += other.latenciesMilliseconds
        firstSent = [firstSent, other.firstSent].compactMap(\.self).min()
        lastAnswered = [lastAnswered, other.lastAnswered].compactMap(\.self).max()
    }
}

/// Sends `requests` requests over `clients` keep-alive connections, one request at a time on
/// each; request `index` is `makeRequest(index)`. Stops sending after `timeout`. A client that
/// cannot connect, or whose connection fails, stops; the requests it did not send count as failures.
func runHTTPLoad(
    port: Int, clients: Int, requests: Int, timeout: Duration,
    _ makeRequest: @escaping @Sendable (Int) -> LoadRequest
) async -> LoadOutcome {
    let tickets = TicketDispenser(count: requests)
    let deadline = ContinuousClock.now + timeout
    var outcome = await withTaskGroup(of: LoadOutcome.self) { group in
        for _ in 0..<clients {
            group.addTask {
                var tally = LoadOutcome()
                let connection: HTTPConnection
                do {
                    connection = try await HTTPConnection.connect(host: "127.0.0.1", port: port)
                } catch {
                    tally.firstFailure = "cannot connect to port \(port): \(error)"
                    return tally
                }
                while let index = tickets.next(), ContinuousClock.now < deadline {
                    let request = makeRequest(index)
                    let start = ContinuousClock.now
                    tally.firstSent = tally.firstSent ?? start
                    tally.sent += 1
                    do {
                        let answer = try await connection.send(request.method, request.uri, body: request.body)
                        let end = ContinuousClock.now
                        tally.lastAnswered = end
                        tally.latenciesMilliseconds.append((end - start).seconds * 1000)
                        if answer.status == 200 {
                            tally.ok += 1
                        } else {
                            tally.failures += 1
                            tally.firstFailure = tally.firstFailure
                                ?? "\(request.method) \(request.uri): \(answer.status) \(String(buffer: answer.body).prefix(300))"
                        }
                    } catch {
                        tally.failures += 1
                        tally.firstFailure = tally.firstFailure ?? "\(request.method) \(request.uri): \(error)"
                        break
                    }
                }
                await connection.close()
                return tally
            }
        }
        return await group.reduce(into: LoadOutcome()) { $0.merge($1) }
    }
    outcome.failures += requests - outcome.sent
    return outcome
}
