package import Core

extension ReadinessCheck {
    /// The coordinator acknowledged the worker's last heartbeat.
    package static func registered(_ heartbeats: HeartbeatSender) -> ReadinessCheck {
        ReadinessCheck(name: "coordinator") { heartbeats.isRegistered }
    }
}
