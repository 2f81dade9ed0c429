import Foundation
import Testing

@testable import Core

/// Ids sort as PostgreSQL and their text sort them: byte by byte.
@Suite struct UUIDOrderTests {
    @Test func theOrderIsTheOrderOfTheText() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let (left, right) = (UUID(), Bool.random(using: &generator) ? UUID() : UUID())
            #expect(left.precedes(right) == (left.text < right.text), "\(left.text) \(right.text)")
        }
    }

    @Test func idsThatDifferInTheirLastByteOrEqualOnesCompareRight() throws {
        let low = try #require(UUID(text: "6f1c2b3a-0000-4000-8000-0000000000fe"))
        let high = try #require(UUID(text: "6f1c2b3a-0000-4000-8000-0000000000ff"))
        #expect(low.precedes(high) && !high.precedes(low))
        #expect(!low.precedes(low))
        let firstByte = try #require(UUID(text: "ff000000-0000-4000-8000-000000000000"))
        #expect(high.precedes(firstByte))
    }
}
