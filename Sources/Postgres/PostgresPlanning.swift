/// How the server plans a statement.
package enum PostgresPlanning: Sendable, Hashable {
    /// Prepared once per connection and reused by name. After a few executions PostgreSQL may keep
    /// one generic plan, made without looking at the parameters' values.
    case prepared
    /// Planned at each execution for its own values: for a statement whose best plan depends on
    /// them, such as a join over arrays whose length varies from one execution to the next (a
    /// generic plan takes such an array for ten elements and may join it in a nested loop).
    case perExecution
}
