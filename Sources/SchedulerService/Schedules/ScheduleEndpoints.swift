import struct Foundation.UUID
import Hummingbird
import NIOCore
import APIModels
import Core
import Recurrence
import TaskStorage

/// The handlers behind `/schedules`.
struct ScheduleEndpoints: Sendable {
    static let upcomingRange = 1...1000
    static let defaultUpcoming = 10

    let store: ScheduleStore
    let bodies: RequestBodies
    let maxBodyBytes: Int

    /// `POST /schedules`: stores a schedule; its first fire is the first at or after now.
    func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await bodies.withBody(of: request, upTo: maxBodyBytes) { try ScheduleBody.decode(from: $0) }
        let definition = try body.newDefinition()
        let now = Self.now()
        let calendar = try definition.checkedCalendar(createdAt: now)
        let schedule = try await store.create(
            id: UUID(), definition, createdAt: now, nextFireAt: calendar.next(atOrAfter: now), createdBy: context.caller?.name,
            traceContext: request.traceContext)
        context.logger.info("Schedule created", metadata: [LogKey.scheduleID: "\(schedule.id.text)"])
        return Response(try .json(RecurringScheduleResponse(schedule, now: now), status: .created))
    }

    /// `GET /schedules`: one page of schedules, newest first.
    func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        let limit = try QueryParameter.integer("limit", in: parameters, range: TaskListQuery.limitRange) ?? TaskListQuery.defaultLimit
        let page = try await store.list(
            idPrefix: try QueryParameter.idPrefix(in: parameters), after: try QueryParameter.cursor(in: parameters), limit: limit)
        let now = Self.now()
        return Response(
            try .json(
                ScheduleListResponse(
                    schedules: page.schedules.map { RecurringScheduleResponse($0, now: now) }, next: page.next?.token)))
    }

    /// `GET /schedules/{id}`.
    func show(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        Response(try .json(RecurringScheduleResponse(try await schedule(context), now: Self.now())))
    }

    /// `PATCH /schedules/{id}`: changes the fields given; the next fire is recomputed from now.
    func update(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try Self.scheduleID(context)
        let body = try await bodies.withBody(of: request, upTo: maxBodyBytes) { try ScheduleBody.decode(from: $0) }
        let now = Self.now()
        let updated = try await store.update(id: id) { stored in
            let definition = try body.applied(to: stored.definition)
            let calendar = try definition.checkedCalendar(createdAt: stored.createdAt)
            return (definition, calendar.next(after: now))
        }
        guard let updated else { throw Self.notFound(id) }
        context.logger.info("Schedule changed", metadata: [LogKey.scheduleID: "\(id.text)"])
        return Response(try .json(RecurringScheduleResponse(updated, now: now)))
    }

    /// `DELETE /schedules/{id}`: no more fires; the tasks it made stay.
    func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try Self.scheduleID(context)
        guard try await store.delete(id: id) else { throw Self.notFound(id) }
        context.logger.info("Schedule deleted", metadata: [LogKey.scheduleID: "\(id.text)"])
        return Response(status: .noContent)
    }

    /// `GET /schedules/{id}/upcoming?count=N`.
    func upcoming(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let count = try QueryParameter.integer("count", in: request.uri.queryParameters, range: Self.upcomingRange)
        let schedule = try await schedule(context)
        let fires = RecurringScheduleResponse.fires(of: schedule, from: Self.now(), count: count ?? Self.defaultUpcoming)
        let zone = try? ScheduleTimeZone(identifier: schedule.definition.timezone)
        return Response(
            try .json(
                UpcomingFiresResponse(
                    fireTimes: fires.map(\.rfc3339), timezone: schedule.definition.timezone,
                    localFireTimes: fires.map { fire in
                        fire.rfc3339(utcOffsetSeconds: zone?.offset(at: fire.microsecondsSinceEpoch / 1_000_000) ?? 0)
                    })))
    }

    /// `POST /schedules/{id}/trigger`: one task now, outside the cron.
    func trigger(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try Self.scheduleID(context)
        guard let task = try await store.trigger(id: id) else { throw Self.notFound(id) }
        TaskMetrics.scheduled()
        context.logger.info(
            "Schedule triggered", metadata: [LogKey.scheduleID: "\(id.text)", LogKey.taskID: "\(task.id)"])
        return Response(try .json(TaskStatusResponse(task), status: .created))
    }

    /// `POST /schedules/{id}/backfill` with `{"start": t1, "end": t2}`: a task for every fire
    /// time in `[t1, t2)` that has none yet.
    func backfill(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try Self.scheduleID(context)
        let range = try await bodies.withBody(of: request, upTo: maxBodyBytes) { try BackfillRange.decode(from: $0) }
        do {
            guard
                let created = try await store.backfill(
                    id: id, from: range.start, to: range.end, maxFires: BackfillRange.maxFires)
            else { throw Self.notFound(id) }
            TaskMetrics.scheduled(count: created)
            context.logger.info(
                "Schedule backfilled", metadata: [LogKey.scheduleID: "\(id.text)", LogKey.count: "\(created)"])
            return Response(try .json(BackfillResponse(created: created)))
        } catch is BackfillTooLong {
            throw APIError(
                .invalidField, "the range holds more than \(BackfillRange.maxFires) fire times; backfill it in parts")
        }
    }

    private func schedule(_ context: ServiceRequestContext) async throws -> ScheduleRecord {
        let id = try Self.scheduleID(context)
        guard let schedule = try await store.find(id: id) else { throw Self.notFound(id) }
        return schedule
    }

    private static func scheduleID(_ context: ServiceRequestContext) throws(APIError) -> UUID {
        guard let id = UUID(text: context.parameters.get("id") ?? "") else {
            throw APIError(.invalidScheduleID, "schedule id is not a UUID, e.g. 3f2b8c1e-9d4a-4e7b-8a51-6c0d2e9f1a37")
        }
        return id
    }

    private static func notFound(_ id: UUID) -> APIError {
        APIError(.notFound, "no schedule with id \(id.text)")
    }

    /// The current time to the millisecond, as the API writes times.
    private static func now() -> Timestamp {
        let micros = Timestamp.now().microsecondsSinceEpoch
        return Timestamp(microsecondsSinceEpoch: micros - micros % 1000)
    }
}
