# The scheduler: HTTP/JSON API on port 8081 (POST /schedule, POST /schedule/batch, GET /status, GET /tasks, GET /openapi.json, GET /healthz).
# Build: docker build -f scheduler.dockerfile -t taskmaster-scheduler .
ARG SWIFT_VERSION=6.3

FROM swift:${SWIFT_VERSION}-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libnghttp2-dev libprotobuf-c-dev libpq-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY Package.swift ./
# The Swift packages' versions CI tested: the commit of each version's tag, looked up on GitHub
# (see the README's docker-compose section).
COPY deploy/swift-packages.pins scripts/swift-pins.sh ./
RUN bash swift-pins.sh resolve swift-packages.pins > Package.resolved
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product scheduler --static-swift-stdlib --force-resolved-versions \
    && install -D "$(swift build -c release --show-bin-path)/scheduler" /staging/scheduler

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libnghttp2-14 libprotobuf-c1 libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --no-create-home --shell /usr/sbin/nologin taskmaster
COPY --from=build /staging/scheduler /usr/local/bin/scheduler
COPY data /app/data
WORKDIR /app
USER taskmaster
EXPOSE 8081
ENTRYPOINT ["/usr/local/bin/scheduler", "--scheduler_port=:8081"]
