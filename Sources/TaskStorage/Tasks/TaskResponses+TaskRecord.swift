package import APIModels
import Core

/// The API's bodies of a task, made from its row: one rendering for the API and the webhooks.

extension ScheduleResponse {
    package init(_ task: TaskRecord) {
        self.init(
            taskID: task.id.text, command: task.command, scheduledAt: task.scheduledAt.rfc3339,
            status: task.status.rawValue, maxAttempts: task.maxAttempts, queue: task.placement.queue,
            priority: task.placement.priority, concurrencyKey: task.placement.concurrencyKey,
            traceID: task.traceContext?.traceID)
    }
}

extension TaskStatusResponse {
    package init(_ task: TaskRecord) {
        self.init(
            taskID: task.id.text,
            command: task.command,
            scheduledAt: task.scheduledAt.rfc3339,
            pickedAt: task.pickedAt?.rfc3339,
            startedAt: task.startedAt?.rfc3339,
            completedAt: task.completedAt?.rfc3339,
            failedAt: task.failedAt?.rfc3339,
            cancelledAt: task.cancelledAt?.rfc3339,
            nextAttemptAt: task.status == .scheduled ? task.nextAttemptAt?.rfc3339 : nil,
            status: task.status.rawValue,
            attempts: task.attempts,
            maxAttempts: task.maxAttempts,
            timeoutSeconds: task.timeoutSeconds,
            workerID: task.workerID,
            exitCode: task.exitCode,
            output: task.output,
            error: task.lastError,
            scheduleID: task.scheduleID?.text,
            nominalTime: task.nominalTime?.rfc3339,
            queue: task.placement.queue,
            priority: task.placement.priority,
            concurrencyKey: task.placement.concurrencyKey,
            createdBy: task.createdBy,
            outputBytes: task.outputBytes,
            outputTruncated: task.outputTruncated,
            traceID: task.traceContext?.traceID)
    }
}

extension TaskListResponse {
    package init(_ page: TaskPage) {
        self.init(tasks: page.tasks.map(TaskStatusResponse.init), next: page.next?.token)
    }
}
