import Tracing

/// Reads and writes trace context headers in a dictionary, the carrier the tracer's propagator
/// extracts a parent from and injects a span's context into.
struct HeaderCarrier: Extractor, Injector {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }

    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}
