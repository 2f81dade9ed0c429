# Everyday commands. Each target is a thin wrapper around a script in scripts/.
CONFIG ?= release

.PHONY: dev run test build bench deps proto

## Build (CONFIG=debug for a debug build), then start a local cluster (PostgreSQL, scheduler,
## coordinator, workers); Ctrl-C stops it.
dev:
	CONFIG=$(CONFIG) scripts/dev-cluster.sh

## Start the local cluster on the executables already built, without building.
run:
	CONFIG=$(CONFIG) BUILD=0 scripts/dev-cluster.sh

## Run every check and test (installs the tests' packages too: scripts/install-deps.sh --tests).
test:
	scripts/test.sh

## Build the executables (CONFIG=debug for a debug build).
build: deps
	PATH="$$PATH:/opt/swift/usr/bin" swift build -c $(CONFIG) $(if $(filter release,$(CONFIG)),--static-swift-stdlib)

## Build every executable in release, then run the benchmark program (its own PostgreSQL and
## cluster, and pgqueuer in .venv-bench to compare with).
bench:
	scripts/bench.sh

## Install the system packages that building and running a local cluster need.
deps:
	scripts/install-deps.sh

## Regenerate the protobuf-c code from proto/grpcapi.proto.
proto:
	scripts/generate-proto.sh
