import Testing
@testable import Core

@Test func moduleLoads() { #expect(TaskMaster.name == "TaskMaster") }
