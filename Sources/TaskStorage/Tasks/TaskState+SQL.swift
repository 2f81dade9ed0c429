package import APIModels

extension TaskState {
    /// The states of a task that has not finished, as an SQL list for `status IN …`.
    package static let unfinishedSQL = "(" + allCases.filter { !$0.isTerminal }.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
}
