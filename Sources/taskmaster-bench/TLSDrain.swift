import ClusterKit

/// The `defaults` scenario's drain on a cluster with mutual TLS on every link (a throwaway
/// authority made by openssl; every service requires a certificate it signed), against the same
/// drain on the same cluster without TLS. Both run beside the benchmark's cluster, each on a
/// database of its own on the same PostgreSQL (whose own link is plain in both), and drain in
/// turn, `--tls-rounds` times each: the best drain of each is compared, so that a moment when
/// the shared machine was busy elsewhere counts against neither.
enum TLSDrain {
    static let scenario = "tls"

    static func run(on cluster: BenchCluster, options: BenchCommand) async throws -> [Figure] {
        let authority = try await ThrowawayCertificateAuthority.create(name: "TaskMaster bench CA")
        defer { authority.remove() }
        let identity = try await authority.issue("node")
        let plain = try await cluster.companion(database: "tls_plain", tls: nil)
        let secured: BenchCluster
        do {
            secured = try await cluster.companion(database: "tls_mutual", tls: identity)
        } catch {
            await plain.stop()
            throw error
        }
        do {
            let figures = try await measure(plain: plain, secured: secured, options: options)
            await secured.stop()
            await plain.stop()
            return figures
        } catch {
            await secured.stop()
            await plain.stop()
            throw error
        }
    }

    private static func measure(plain: BenchCluster, secured: BenchCluster, options: BenchCommand) async throws -> [Figure] {
        let tasks = options.defaultsTasks
        var plainRates: [Double] = []
        var securedRates: [Double] = []
        var securedOutcome = ExactlyOnce(tasks: 0, completed: 0, attempts: 0)
        for round in 1...options.tlsRounds {
            for (name, cluster) in [("plain", plain), ("TLS", secured)] {
                let figures = try await Drain.run(scenario, tasks: tasks, target: nil, on: cluster)
                let rate = figures.value(of: scenario, Drain.rate) ?? .nan
                print("  round \(round): \(name) drain \(Int(rate)) tasks/s")
                if cluster.tls == nil {
                    plainRates.append(rate)
                } else {
                    securedRates.append(rate)
                    let outcome = try await ExactlyOnce.read(from: cluster.database)
                    securedOutcome.tasks += outcome.tasks
                    securedOutcome.completed += outcome.completed
                    securedOutcome.attempts += outcome.attempts
                }
            }
        }
        let (bestPlain, bestSecured) = (plainRates.max() ?? .nan, securedRates.max() ?? .nan)
        return [
            Figure(scenario, "tasks per drain", tasks),
            Figure(scenario, "plain drain rate, best of \(options.tlsRounds)", bestPlain, "tasks/s"),
            Figure(scenario, "TLS drain rate, best of \(options.tlsRounds)", bestSecured, "tasks/s"),
            Figure(scenario, "TLS drain ÷ plain drain", bestSecured / bestPlain, target: .atLeast(0.9)),
        ] + securedOutcome.figures(scenario, expected: tasks * options.tlsRounds)
    }
}
