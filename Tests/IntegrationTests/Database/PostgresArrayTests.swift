import Foundation
import Testing
@testable import Core
@testable import Postgres

/// Array literals: built without a server, then read back by a real PostgreSQL.
@Suite struct PostgresArrayTests {
    static let awkward: [String?] = [
        "plain", "", " spaced ", "a,b", "{", "}", "{a,b}", #"say "hi""#, #"back\slash"#, #"\"#, #"""#, "NULL", "null",
        nil, "tab\tline\nfeed\rreturn", "héllo 日本語 🚀 \u{200B}", "'single'", "$1", "ARRAY[1]", #"\\"\\"#,
    ]

    @Test func quotesEveryElementAndEscapesQuotesAndBackslashes() {
        #expect(PostgresArray([String]()).postgresText == "{}")
        #expect(PostgresArray(["a", "b c"]).postgresText == #"{"a","b c"}"#)
        #expect(PostgresArray([#"q"uote"#, #"back\slash"#]).postgresText == #"{"q\"uote","back\\slash"}"#)
        #expect(PostgresArray(["NULL", nil] as [String?]).postgresText == #"{"NULL",NULL}"#)
        #expect(PostgresArray([1, -2, 3] as [Int]).postgresText == #"{"1","-2","3"}"#)
        #expect(PostgresArray([5, nil] as [Int32?]).postgresText == #"{"5",NULL}"#)
    }

    @Test func textRoundTripsThroughUnnest() async throws {
        try await TestDatabase.withClient { client in
            let result = try await client.query(
                "SELECT value FROM unnest($1::text[]) WITH ORDINALITY AS t(value, n) ORDER BY n", [PostgresArray(Self.awkward)])
            #expect(result.map { $0.string(0) } == Self.awkward)
            let empty = try await client.query("SELECT cardinality($1::text[])", [PostgresArray([String]())])
            #expect(try empty.first?.int(0) == 0)
        }
    }

    @Test func typedElementsRoundTrip() async throws {
        let ids = [UUID(), UUID()]
        try await TestDatabase.withClient { client in
            let result = try await client.query(
                "SELECT $1::uuid[] = ARRAY[$2::uuid, $3::uuid], $4::int8[], $5::int4[]",
                [PostgresArray(ids), ids[0], ids[1], PostgresArray([Int64.max, Int64.min]), PostgresArray([7, nil] as [Int?])])
            #expect(try result.first?.bool(0) == true)
            #expect(result.first?.string(1) == "{9223372036854775807,-9223372036854775808}")
            #expect(result.first?.string(2) == "{7,NULL}")
        }
    }
}
