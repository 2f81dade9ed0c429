// swift-tools-version:6.1
import PackageDescription

/// Settings shared by every Swift target: Swift 6 language mode (strict concurrency) everywhere.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// How the three services are linked, in every build the Dockerfiles make included: by lld, with
/// relative relocations packed (DT_RELR, glibc 2.36 and later) and no symbol exported, so that the
/// dynamic loader touches about 2.5 MB less of each binary when it starts (measured on the worker).
let serviceLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(
        ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic"],
        .when(platforms: [.linux])),
]

let package = Package(
    name: "TaskMaster",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "scheduler", targets: ["scheduler"]),
        .executable(name: "coordinator", targets: ["coordinator"]),
        .executable(name: "worker", targets: ["worker"]),
        .executable(name: "taskmaster-bench", targets: ["taskmaster-bench"]),
        .executable(name: "taskmaster", targets: ["taskmaster"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Without the FullFoundation trait Hummingbird needs FoundationEssentials only.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        // OTLP over HTTP only: the gRPC exporter's trait would build a second gRPC stack.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        .systemLibrary(
            name: "CPostgreSQL",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CNGHTTP2",
            pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"])]
        ),
        .systemLibrary(
            name: "CProtobufC",
            pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"])]
        ),
        /// glibc's malloc settings (mallopt), which Swift cannot import from malloc.h.
        .target(name: "CMemory"),
        /// posix_spawn of a task's shell, whose attributes and file actions Swift cannot build
        /// without unsafe pointers.
        .target(name: "CProcess"),
        /// protobuf-c code generated from proto/grpcapi.proto by scripts/generate-proto.sh.
        .target(
            name: "CGRPCAPI",
            dependencies: ["CProtobufC"]
        ),
        /// The JSON bodies of the HTTP API, encoded by the services and decoded by the CLI: one
        /// definition of the wire for both sides.
        .target(
            name: "APIModels",
            swiftSettings: swiftSettings
        ),
        /// What every service needs: time, configuration, logging, security primitives, the HTTP
        /// server limits and JSON errors, health and metrics plumbing with the admin server, the
        /// service lifecycle, and `--check`. No web framework: the admin server is SwiftNIO's
        /// HTTP/1.1 alone.
        .target(
            name: "Core",
            dependencies: [
                "APIClient",
                "APIModels",
                "CMemory",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        /// gRPC over HTTP/2 on nghttp2, and the messages of proto/grpcapi.proto on protobuf-c.
        .target(
            name: "RPC",
            dependencies: [
                "APIClient",
                "Core",
                "CNGHTTP2",
                "CProtobufC",
                "CGRPCAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The thin libpq wrapper: connections, a pool, typed rows, migrations.
        .target(
            name: "Postgres",
            dependencies: [
                "Core",
                "CPostgreSQL",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The tasks and workers tables: what the scheduler and the coordinator share.
        .target(
            name: "TaskStorage",
            dependencies: [
                "APIModels",
                "Core",
                "Postgres",
                "Recurrence",
                "TracePropagation",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Recurring schedules' rules: cron expressions, `@every`, time zones and the fire times
        /// they give.
        .target(
            name: "Recurrence",
            dependencies: ["Core"],
            swiftSettings: swiftSettings
        ),
        /// W3C trace context carried from a request to the command it starts: the `traceparent` and
        /// `tracestate` a task keeps, and each attempt's child span.
        .target(
            name: "TracePropagation",
            dependencies: [
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Spans of a task's way from the request to its command (schedule, claim, hand-off, run,
        /// report), exported by OTLP when the OpenTelemetry environment names an endpoint.
        .target(
            name: "SpanExport",
            dependencies: [
                "Core",
                "TracePropagation",
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The scheduler's HTTP API, on Hummingbird.
        .target(
            name: "SchedulerService",
            dependencies: [
                "APIModels",
                "Core",
                "Postgres",
                "TaskStorage",
                "Recurrence",
                "SpanExport",
                "TracePropagation",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            /// The scheduler's OpenAPI document, served at /openapi.json, and the dashboard's files,
            /// served at / and /ui/: compiled into the module, so the binary needs no files beside it.
            resources: [.embedInCode("OpenAPI/scheduler.openapi.json")]
                + ["index.html", "dashboard.css", "api.js", "charts.js", "dom.js", "format.js", "main.js", "overview.js", "queues.js", "schedules.js", "tasks.js", "workers.js"].map { .embedInCode("Dashboard/\($0)") },
            swiftSettings: swiftSettings
        ),
        /// Webhook deliveries: the signature, the address policy and one attempt's HTTP request.
        .target(
            name: "Webhooks",
            dependencies: [
                "APIClient",
                "APIModels",
                "Core",
                "TaskStorage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The coordinator: worker registry, claims and hand-offs, reports, leases, retention.
        .target(
            name: "CoordinatorService",
            dependencies: [
                "Core",
                "RPC",
                "Postgres",
                "SpanExport",
                "TaskStorage",
                "TracePropagation",
                "Webhooks",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The worker: heartbeats, the task runner and its executors, status reports.
        .target(
            name: "WorkerService",
            dependencies: [
                "APIModels",
                "Core",
                "RPC",
                "CProcess",
                "TracePropagation",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Runs real processes for the integration tests and the benchmark: services, a
        /// throwaway PostgreSQL, helper commands.
        .target(
            name: "ClusterKit",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        /// A keep-alive HTTP/1.1 client on SwiftNIO, for the scheduler's API: used by the CLI and
        /// the benchmark.
        .target(
            name: "APIClient",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "scheduler",
            dependencies: [
                "Core",
                "SchedulerService",
                "TaskStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: serviceLinkerSettings
        ),
        .executableTarget(
            name: "coordinator",
            dependencies: [
                "Core",
                "CoordinatorService",
                "TaskStorage",
                "Webhooks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: serviceLinkerSettings
        ),
        .executableTarget(
            name: "worker",
            dependencies: [
                "Core",
                "WorkerService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: serviceLinkerSettings
        ),
        .executableTarget(
            name: "taskmaster-bench",
            dependencies: [
                "Core",
                "RPC",
                "Postgres",
                "TaskStorage",
                "ClusterKit",
                "APIClient",
                "APIModels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The command-line client of the scheduler's HTTP API.
        .executableTarget(
            name: "taskmaster",
            dependencies: [
                "APIClient",
                "APIModels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Tests of values and in-memory logic: no database, no sockets, no processes.
        .testTarget(
            name: "UnitTests",
            dependencies: [
                "APIClient",
                "APIModels",
                "Core",
                "Recurrence",
                "RPC",
                "Postgres",
                "TaskStorage",
                "SchedulerService",
                "CoordinatorService",
                "WorkerService",
                "Webhooks",
                "ClusterKit",
                "SpanExport",
                "TracePropagation",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Tests against a real PostgreSQL, real sockets and real processes (Processes/ starts
        /// whole clusters of the release executables).
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "APIClient",
                "APIModels",
                "Core",
                "RPC",
                "Postgres",
                "TaskStorage",
                "SchedulerService",
                "CoordinatorService",
                "WorkerService",
                "Webhooks",
                "ClusterKit",
                "SpanExport",
                "TracePropagation",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
