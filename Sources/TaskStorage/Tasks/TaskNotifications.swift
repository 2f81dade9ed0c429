/// Channels of the notifications that wake coordinators.
package enum TaskNotifications {
    /// Sent after an insert commits a task due within seconds (anyone may send it).
    package static let dueTasksChannel = "taskmaster_tasks"
    /// Sent when a task held by a worker is cancelled; the payload is the task id.
    package static let cancelChannel = "taskmaster_cancel"
    /// Sent when a schedule is created, changed or deleted, so coordinators look at its next fire.
    package static let schedulesChannel = "taskmaster_schedules"
    /// Sent when a queue's settings change, so coordinators read which queues have limits.
    package static let queuesChannel = "taskmaster_queues"
}
