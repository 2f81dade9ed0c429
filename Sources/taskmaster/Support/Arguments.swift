import APIModels
import ArgumentParser
import FoundationEssentials

/// A task or schedule id as given on the command line: the whole id, or its beginning (the
/// dashboard shows eight characters), which `SchedulerAPI` turns into the one id that starts
/// with it. Checked before it goes into a request.
struct ResourceID: ExpressibleByArgument {
    var prefix: IDPrefix

    init?(argument: String) {
        guard let prefix = IDPrefix(argument) else { return nil }
        self.prefix = prefix
    }
}

/// A duration in whole seconds: `90`, `90s`, `5m`, `1h30m`, `2d`.
struct Seconds: ExpressibleByArgument {
    var value: Int

    init?(argument: String) {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var total = 0
        var digits = ""
        for character in argument {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if let unit = units[character], let number = Int(digits) {
                total += number * unit
                digits = ""
            } else {
                return nil
            }
        }
        if !digits.isEmpty {
            guard let number = Int(digits) else { return nil }
            total += number
        }
        guard !argument.isEmpty, total > 0 else { return nil }
        value = total
    }
}

/// A task state, as GET /tasks filters on it.
extension TaskState: ExpressibleByArgument {}

/// RFC 3339 in UTC, as the API takes times.
func rfc3339(_ date: Date) -> String {
    date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
}
