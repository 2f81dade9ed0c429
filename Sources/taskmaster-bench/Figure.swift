/// A bound a figure should stay within.
struct Target: Codable, Sendable {
    enum Comparison: String, Codable, Sendable {
        case atLeast = "≥"
        case atMost = "≤"
        case equal = "="
    }

    var comparison: Comparison
    var value: Double

    static func atLeast(_ value: Double) -> Target { Target(comparison: .atLeast, value: value) }
    static func atMost(_ value: Double) -> Target { Target(comparison: .atMost, value: value) }
    static func equal(_ value: Double) -> Target { Target(comparison: .equal, value: value) }

    func isMet(by figure: Double) -> Bool {
        switch comparison {
        case .atLeast: figure >= value
        case .atMost: figure <= value
        case .equal: figure == value
        }
    }
}

/// One measured value of a scenario, with its target when it has one.
struct Figure: Codable, Sendable {
    var scenario: String
    var name: String
    var value: Double
    var unit: String
    var target: Target?
    /// Whether the target is met; nil without a target.
    var met: Bool?
    /// The flags the services ran with where they differ from the defaults ("" for none).
    var flags = ""

    init(_ scenario: String, _ name: String, _ value: Double, _ unit: String = "", target: Target? = nil) {
        self.scenario = scenario
        self.name = name
        self.value = value
        self.unit = unit
        self.target = target
        met = target.map { $0.isMet(by: value) }
    }

    init(_ scenario: String, _ name: String, _ value: Int, _ unit: String = "", target: Target? = nil) {
        self.init(scenario, name, Double(value), unit, target: target)
    }
}

extension [Figure] {
    /// The value of the figure `name` of `scenario`, if it was measured.
    func value(of scenario: String, _ name: String) -> Double? {
        first { $0.scenario == scenario && $0.name == name }?.value
    }
}

/// The value at rank `fraction` (0…1) of `values` (nearest rank); NaN when empty.
func percentile(_ fraction: Double, of sortedValues: [Double]) -> Double {
    guard !sortedValues.isEmpty else { return .nan }
    let rank = Int((fraction * Double(sortedValues.count)).rounded(.up)) - 1
    return sortedValues[Swift.min(Swift.max(rank, 0), sortedValues.count - 1)]
}
