import Foundation
import Testing

@testable import Core

/// Ids as text, written and read without Foundation's formatter, the same as it.
@Suite struct UUIDTextTests {
    @Test func writesWhatFoundationWritesInLowercase() {
        for _ in 0..<1000 {
            let id = UUID()
            #expect(id.text == id.uuidString.lowercased())
            #expect(UUID(text: id.text) == id)
            #expect(UUID(text: id.uuidString) == id, "upper case reads too")
        }
    }

    @Test(arguments: [
        "", "6f1c2b3a-0000-0000-0000-00000000000", "6f1c2b3a-0000-0000-0000-0000000000000", "6f1c2b3a00000000000000000000000000",
        "6f1c2b3a-0000-0000-0000_000000000000", "6f1c2b3g-0000-0000-0000-000000000000", "6f1c2b3a-0000-0000-0000-00000000000é",
        " 6f1c2b3a-0000-0000-0000-000000000000",
    ])
    func readsNothingButTheWholeText(text: String) {
        #expect(UUID(text: text) == nil)
        #expect(UUID(uuidString: text) == nil, "as Foundation")
    }
}
