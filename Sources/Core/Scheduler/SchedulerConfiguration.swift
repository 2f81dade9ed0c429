/// How the scheduler's HTTP API listens and what it accepts.
public struct SchedulerConfiguration: Sendable, Hashable {
    /// Address to bind; the default listens on every interface.
    public var host: String
    public var port: Int
    /// Largest request body accepted; bigger bodies are refused with 413 without being buffered.
    public var maxBodyBytes: Int
    /// `GET /workers` leaves out workers whose coordinator has not refreshed them for this long.
    public var workerStaleness: Duration = .seconds(10)

    public init(host: String = "0.0.0.0", port: Int = 8081, maxBodyBytes: Int = 1 << 20) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
    }
}
