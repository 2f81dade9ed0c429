package import Core
package import Postgres

extension ReadinessCheck {
    /// `SELECT 1` succeeds within `timeout`.
    package static func database(_ client: PostgresClient, timeout: Duration = .seconds(2)) -> ReadinessCheck {
        ReadinessCheck(name: "database", timeout: timeout) { (try? await client.query("SELECT 1")) != nil }
    }
}
