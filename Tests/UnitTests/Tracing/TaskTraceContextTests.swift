import Testing

@testable import TracePropagation

@Suite struct TaskTraceContextTests {
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let parent = "00-\(traceID)-00f067aa0ba902b7-01"

    @Test func aValidTraceparentIsKeptWithItsTraceID() throws {
        let context = try #require(TaskTraceContext(traceParent: Self.parent, traceState: nil))
        #expect(context.traceParent == Self.parent)
        #expect(context.traceID == Self.traceID)
        #expect(context.traceState == nil)
    }

    @Test(arguments: [
        "",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
    ])
    func anInvalidTraceparentIsIgnored(traceParent: String) {
        #expect(TaskTraceContext(traceParent: traceParent, traceState: "vendor=value") == nil)
    }

    @Test func noTraceparentMeansNoContextWhateverTheTracestate() {
        #expect(TaskTraceContext(traceParent: nil, traceState: "vendor=value") == nil)
    }

    @Test func aValidTracestateIsKept() throws {
        let context = try #require(TaskTraceContext(traceParent: Self.parent, traceState: "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"))
        #expect(context.traceState == "rojo=00f067aa0ba902b7, congo=t61rcWkgMzE")
    }

    @Test func anInvalidTracestateIsDroppedAndTheTraceparentKept() throws {
        let malformed = try #require(TaskTraceContext(traceParent: Self.parent, traceState: "Not A Vendor=1"))
        #expect(malformed.traceParent == Self.parent && malformed.traceState == nil)
        let tooMany = (0...32).map { "v\($0)=x" }.joined(separator: ",")
        let crowded = try #require(TaskTraceContext(traceParent: Self.parent, traceState: tooMany))
        #expect(crowded.traceState == nil, "33 entries are more than W3C allows")
        let empty = try #require(TaskTraceContext(traceParent: Self.parent, traceState: ""))
        #expect(empty.traceState == nil)
    }

    @Test func aChildContinuesTheTraceWithASpanOfItsOwn() throws {
        let parent = try #require(TaskTraceContext(traceParent: Self.parent, traceState: "rojo=1"))
        let child = try #require(parent.child())
        let again = try #require(parent.child())
        let fields = child.traceParent.split(separator: "-")
        #expect(fields.count == 4)
        #expect(fields[0] == "00" && fields[1] == Self.traceID[...] && fields[3] == "01")
        #expect(fields[2] != "00f067aa0ba902b7")
        #expect(fields[2].count == 16 && fields[2].allSatisfy(\.isHexDigit) && fields[2] != "0000000000000000")
        #expect(child.traceState == "rojo=1")
        #expect(again.traceParent != child.traceParent, "each attempt is a span of its own")
        #expect(TaskTraceContext(traceParent: child.traceParent, traceState: nil) != nil, "the child is a valid traceparent")
    }

    @Test func theChildKeepsAnUnsampledFlag() throws {
        let parent = try #require(TaskTraceContext(traceParent: "00-\(Self.traceID)-00f067aa0ba902b7-00", traceState: nil))
        #expect(try #require(parent.child()).traceParent.hasSuffix("-00"))
    }

    @Test func theEnvironmentNamesTheContext() throws {
        let bare = try #require(TaskTraceContext(traceParent: Self.parent, traceState: nil))
        #expect(bare.environment == ["TRACEPARENT=\(Self.parent)"])
        let withState = try #require(TaskTraceContext(traceParent: Self.parent, traceState: "rojo=1"))
        #expect(withState.environment == ["TRACEPARENT=\(Self.parent)", "TRACESTATE=rojo=1"])
    }
}
