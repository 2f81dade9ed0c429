import FoundationEssentials

/// Decodes an API reply, failing with a line that says what the reply was not.
func decode<T: Decodable>(_ type: T.Type, from body: Data) throws(CLIFailure) -> T {
    do {
        return try JSONDecoder().decode(type, from: body)
    } catch {
        throw .other("unexpected reply from the scheduler (not a \(type)): \(error)")
    }
}
