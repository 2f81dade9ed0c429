# A worker: runs the tasks the coordinator hands it; gRPC (HTTP/2) on port 8000, HTTP admin server on 9090.
# Build: docker build -f worker.dockerfile -t taskmaster-worker .
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
RUN swift build -c release --product worker --static-swift-stdlib --force-resolved-versions \
    && install -D "$(swift build -c release --show-bin-path)/worker" /staging/worker

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libnghttp2-14 libprotobuf-c1 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --no-create-home --shell /usr/sbin/nologin taskmaster
COPY --from=build /staging/worker /usr/local/bin/worker
WORKDIR /app
USER taskmaster
EXPOSE 8000 9090
# WORKER_ADDRESS, the host the worker tells the coordinator to dial, defaults to this
# container's own IP address, so every replica of a scaled service is reachable. The shell execs
# the worker, so the worker is PID 1; it reaps the orphans of its tasks itself, so no init is needed.
ENTRYPOINT ["/bin/sh", "-c", "export WORKER_ADDRESS=\"${WORKER_ADDRESS:-$(hostname -i | cut -d ' ' -f 1)}\"; exec /usr/local/bin/worker --worker_port=:8000 --admin_port=:9090 \"$@\"", "worker"]
