import ClusterKit
/// A `/metrics` reply parsed by the rules of the Prometheus text format 0.0.4: lines starting
/// with `#` are comments (HELP, TYPE), every other non-empty line is `name{labels} value`.
struct PrometheusScrape {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Malformed: Error, CustomStringConvertible {
        var line: String
        var reason: String
        var description: String { "malformed exposition line (\(reason)): \(line)" }
    }

    var samples: [Sample] = []

    init(parsing text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") {
                guard line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") else { continue }
                guard line.split(separator: " ").count >= 4 else { throw Malformed(line: String(line), reason: "short comment") }
                continue
            }
            samples.append(try Self.sample(String(line)))
        }
    }

    /// The sum of the samples named `name` whose labels include `labels`; nil when there is none.
    func value(_ name: String, labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
        return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.value }
    }

    private static func sample(_ line: String) throws -> Sample {
        var rest = Substring(line)
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard let first = name.first, !first.isNumber else { throw Malformed(line: line, reason: "no metric name") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                rest = rest.dropFirst(key.count)
                guard !key.isEmpty, rest.hasPrefix("=\"") else { throw Malformed(line: line, reason: "bad label") }
                rest = rest.dropFirst(2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\", let escaped = rest.first {
                        rest = rest.dropFirst()
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(character)
                    }
                }
                guard rest.first == "\"" else { throw Malformed(line: line, reason: "unterminated label value") }
                rest = rest.dropFirst()
                labels[String(key)] = value
                if rest.first == "," { rest = rest.dropFirst() }
                guard !rest.isEmpty else { throw Malformed(line: line, reason: "unterminated labels") }
            }
            rest = rest.dropFirst()
        }
        let fields = rest.split(separator: " ")
        guard rest.first == " ", (1...2).contains(fields.count), let value = parseValue(fields[0]) else {
            throw Malformed(line: line, reason: "no value")
        }
        if fields.count == 2, Int64(fields[1]) == nil { throw Malformed(line: line, reason: "bad timestamp") }
        return Sample(name: String(name), labels: labels, value: value)
    }

    private static func parseValue(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
    }
}

/// `GET /metrics` on `port`, checked for the content type and parsed.
func scrapeMetrics(port: Int) async throws -> PrometheusScrape {
    let reply = try await curl(["http://127.0.0.1:\(port)/metrics"])
    guard reply.status == 200, reply.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true else {
        throw TimedOut(description: "/metrics answered \(reply.status) \(reply.headers): \(reply.body)")
    }
    return try PrometheusScrape(parsing: reply.body)
}
