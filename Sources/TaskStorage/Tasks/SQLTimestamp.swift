/// SQL expressions that carry a `Timestamp` across the database boundary as int8 microseconds
/// since the epoch, exactly and independent of the session time zone.
package enum SQLTimestamp {
    /// Reads a `timestamptz` column as microseconds: `(extract(epoch from col) * 1000000)::int8`.
    package static func microseconds(of column: String) -> String {
        "(extract(epoch from \(column)) * 1000000)::int8"
    }

    /// Turns the int8 microseconds bound to parameter `$index` into a `timestamptz`.
    package static func timestamp(fromParameter index: Int) -> String {
        timestamp(fromMicroseconds: "$\(index)::int8")
    }

    /// Turns an int8 SQL expression of microseconds since the epoch into a `timestamptz`.
    package static func timestamp(fromMicroseconds expression: String) -> String {
        "('epoch'::timestamptz + \(expression) * interval '1 microsecond')"
    }
}
