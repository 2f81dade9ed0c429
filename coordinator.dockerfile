# The coordinator: hands due tasks to workers; gRPC (HTTP/2) on port 8080, HTTP admin server on 9090.
# Build: docker build -f coordinator.dockerfile -t taskmaster-coordinator .
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
RUN swift build -c release --product coordinator --static-swift-stdlib --force-resolved-versions \
    && install -D "$(swift build -c release --show-bin-path)/coordinator" /staging/coordinator

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libnghttp2-14 libprotobuf-c1 libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --no-create-home --shell /usr/sbin/nologin taskmaster
COPY --from=build /staging/coordinator /usr/local/bin/coordinator
COPY data /app/data
WORKDIR /app
USER taskmaster
EXPOSE 8080 9090
ENTRYPOINT ["/usr/local/bin/coordinator", "--coordinator_port=:8080", "--admin_port=:9090"]
