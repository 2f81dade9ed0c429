extension Timestamp {
    /// The instants that RFC 3339 can write in UTC: 0001-01-01T00:00:00Z through
    /// 9999-12-31T23:59:59.999999Z.
    package static let rfc3339Range =
        Timestamp(microsecondsSinceEpoch: -62_135_596_800_000_000)...Timestamp(microsecondsSinceEpoch: 253_402_300_799_999_999)
}
