import Foundation

/// A span as an OTLP/HTTP exporter sent it in JSON (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`),
/// with its ids as lowercase hexadecimal.
struct ExportedSpan: Sendable, CustomStringConvertible {
    var service: String
    var name: String
    var traceID: String
    var spanID: String
    var parentSpanID: String
    /// OTLP's span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
    var kind: Int
    /// The span ids of the spans it links to.
    var links: [String]
    var attributes: [String: String]
    /// OTLP's status code: 0 unset, 1 ok, 2 error.
    var statusCode: Int

    var description: String {
        "\(service) \(name) \(spanID) parent \(parentSpanID) links \(links) \(attributes)"
    }

    /// Every span of one OTLP `ExportTraceServiceRequest` body.
    static func decode(_ body: [UInt8]) -> [ExportedSpan] {
        guard let request = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return [] }
        return (request["resourceSpans"] as? [[String: Any]] ?? []).flatMap { resourceSpans in
            let resource = attributes(of: (resourceSpans["resource"] as? [String: Any])?["attributes"])
            return (resourceSpans["scopeSpans"] as? [[String: Any]] ?? []).flatMap { scope in
                (scope["spans"] as? [[String: Any]] ?? []).map { span in
                    ExportedSpan(
                        service: resource["service.name"] ?? "", name: span["name"] as? String ?? "",
                        traceID: hex(span["traceId"]), spanID: hex(span["spanId"]), parentSpanID: hex(span["parentSpanId"]),
                        kind: span["kind"] as? Int ?? 0,
                        links: (span["links"] as? [[String: Any]] ?? []).map { hex($0["spanId"]) },
                        attributes: attributes(of: span["attributes"]),
                        statusCode: (span["status"] as? [String: Any])?["code"] as? Int ?? 0)
                }
            }
        }
    }

    /// OTLP JSON's `KeyValue` list as text: strings as they are, integers in decimal.
    private static func attributes(of list: Any?) -> [String: String] {
        var attributes: [String: String] = [:]
        for entry in list as? [[String: Any]] ?? [] {
            guard let key = entry["key"] as? String, let value = entry["value"] as? [String: Any] else { continue }
            attributes[key] = (value["stringValue"] as? String) ?? (value["intValue"].map { "\($0)" })
        }
        return attributes
    }

    /// An id as the exporter wrote it (protobuf JSON writes bytes in base64) in hexadecimal.
    private static func hex(_ value: Any?) -> String {
        guard let text = value as? String, let bytes = Data(base64Encoded: text) else { return "" }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }
}
