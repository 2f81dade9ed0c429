import APIModels
import Testing

/// The beginning of an id, as people copy it from the dashboard or the command line.
@Suite struct IDPrefixTests {
    @Test(arguments: [
        ("5742542F", "5742542f"), ("5742542f-6de8", "5742542f6de8"), ("5742542f6de8", "5742542f6de8"),
        ("5742542f-6de8-45d2-86cd-a72f666be6c4", "5742542f6de845d286cda72f666be6c4"), ("a", "a"),
    ])
    func takesDigitsWithTheIDsDashesOrNone(text: String, digits: String) throws {
        #expect(try #require(IDPrefix(text)).digits == digits)
    }

    @Test(arguments: ["", "-", "5742-542f", "5742542f--6de8", "5742542f-", "xyz", "5742542f 6de8", "ｆ", String(repeating: "a", count: 33)])
    func refusesWhatCannotStartAnID(text: String) {
        #expect(IDPrefix(text) == nil)
    }

    @Test func coversTheIDsThatStartWithIt() throws {
        let prefix = try #require(IDPrefix("5742542f-6d"))
        #expect(prefix.lowestID == "5742542f-6d00-0000-0000-000000000000")
        #expect(prefix.highestID == "5742542f-6dff-ffff-ffff-ffffffffffff")
        #expect(!prefix.isWholeID)
        let whole = try #require(IDPrefix("5742542f-6de8-45d2-86cd-a72f666be6c4"))
        #expect(whole.isWholeID && whole.lowestID == "5742542f-6de8-45d2-86cd-a72f666be6c4" && whole.highestID == whole.lowestID)
    }
}
