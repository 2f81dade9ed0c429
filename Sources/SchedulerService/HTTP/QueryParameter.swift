import Hummingbird
import APIModels
import Core
import TaskStorage

/// Reads one query parameter of a request.
enum QueryParameter {
    /// The parsed parameter, nil when it is absent; throws when it is given (even empty) but
    /// invalid, or given more than once.
    static func value<Value>(
        of name: String, in parameters: Parameters, expecting expectation: String, _ parse: (String) -> Value?
    ) throws(APIError) -> Value? {
        let values = parameters.getAll(name)
        guard let text = values.first else { return nil }
        guard values.count == 1 else {
            throw APIError(.invalidParameter, "query parameter \(name) is given \(values.count) times; give it once")
        }
        guard let value = parse(String(text)) else {
            throw APIError(.invalidParameter, "query parameter \(name) must be \(expectation)")
        }
        return value
    }

    /// An integer parameter within `range`.
    static func integer(_ name: String, in parameters: Parameters, range: ClosedRange<Int>) throws(APIError) -> Int? {
        try value(of: name, in: parameters, expecting: "an integer from \(range.lowerBound) to \(range.upperBound)") {
            Int($0).flatMap { range.contains($0) ? $0 : nil }
        }
    }

    /// The `after` cursor of a paged list.
    static func cursor(in parameters: Parameters) throws(APIError) -> PageCursor? {
        try value(of: "after", in: parameters, expecting: "the \"next\" value of the previous page") {
            PageCursor(token: $0)
        }
    }

    /// The `id_prefix` of a list: the start of the ids to keep.
    static func idPrefix(in parameters: Parameters) throws(APIError) -> IDPrefix? {
        try value(
            of: "id_prefix", in: parameters, expecting: "the start of an id: 1 to 32 hexadecimal digits, with the id's dashes or none",
            IDPrefix.init)
    }
}
