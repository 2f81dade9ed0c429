"""The deployment files, checked without a cluster: docker-compose.yml against the Compose
specification, the Kubernetes manifests against the Kubernetes schemas (strict: no unknown
fields), and what the services need of them (replicas, probes, healthchecks, tokens, the drain
grace, PostgreSQL's volume); the Swift packages' versions the Dockerfiles build (the pin list and
scripts/swift-pins.sh); the packages `make dev` and `make test` install; the README's Kubernetes
commands."""

import json
import os
import pathlib
import posixpath
import re
import shlex
import subprocess
import sys

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
KUBERNETES = REPO / "deploy" / "kubernetes"
BIN = pathlib.Path(sys.executable).parent
DOCKERFILES = {name: REPO / f"{name}.dockerfile" for name in ("scheduler", "coordinator", "worker")}


def kustomization():
    return yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())


def resources():
    """Every resource the kustomization applies, by (kind, name)."""
    found = {}
    for name in kustomization()["resources"]:
        for document in yaml.safe_load_all((KUBERNETES / name).read_text()):
            found[(document["kind"], document["metadata"]["name"])] = document
    return found


def deployment(name):
    return resources()[("Deployment", f"taskmaster-{name}")]


def container(name):
    (only,) = deployment(name)["spec"]["template"]["spec"]["containers"]
    return only


def compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def compose_services_built_from(dockerfile):
    return [name for name, service in compose()["services"].items() if service.get("build", {}).get("dockerfile") == dockerfile]


def entrypoint(name):
    """The exec-form ENTRYPOINT of a Dockerfile, as a list."""
    (line,) = [line for line in DOCKERFILES[name].read_text().splitlines() if line.startswith("ENTRYPOINT ")]
    return json.loads(line.removeprefix("ENTRYPOINT "))


def test_the_compose_file_follows_the_compose_specification():
    subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", REPO / "docker-compose.yml"], check=True
    )


def test_compose_runs_two_coordinators_that_the_workers_resolve_by_one_name():
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    coordinators = [name for name, service in services.items() if service.get("build", {}).get("dockerfile") == "coordinator.dockerfile"]
    assert len(coordinators) == 2
    for name in coordinators:
        assert "coordinators" in services[name]["networks"]["default"]["aliases"]
    assert "--coordinator=coordinators:8080" in services["worker"]["command"]


def test_every_manifest_is_valid_kubernetes():
    files = [KUBERNETES / name for name in kustomization()["resources"]]
    subprocess.run([BIN / "kubernetes-validate", "--strict", "--quiet", *files], check=True)


def test_the_kustomization_applies_every_manifest_in_the_folder():
    listed = set(kustomization()["resources"])
    present = {path.name for path in KUBERNETES.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present


def test_secret_references_name_keys_the_generated_secret_has():
    # The keys the comment's printf writes into taskmaster.env.
    text = (KUBERNETES / "kustomization.yaml").read_text().replace("\\n", "\n")
    documented = set(re.findall(r"(?m)(?:^|')([a-z-]+)=%s", text))
    assert documented == {"api-token", "cluster-token", "database-url"}
    assert [generator["name"] for generator in kustomization()["secretGenerator"]] == ["taskmaster"]
    for name in ("scheduler", "coordinator", "worker"):
        for variable in container(name)["env"]:
            reference = variable.get("valueFrom", {}).get("secretKeyRef")
            if reference:
                assert reference["name"] == "taskmaster" and reference["key"] in documented, variable


TLS_VARIABLES = {"TASKMASTER_TLS_CERT", "TASKMASTER_TLS_KEY", "TASKMASTER_TLS_CA", "TASKMASTER_TLS_CLIENT_AUTH"}
TLS_FOLDER = "/etc/taskmaster/tls"


@pytest.mark.parametrize(
    ("name", "variables"),
    [
        ("scheduler", {"DATABASE_URL", "TASKMASTER_API_TOKEN"}),
        ("coordinator", {"DATABASE_URL", "TASKMASTER_CLUSTER_TOKEN", "COORDINATOR_ADDRESS", "TASKMASTER_TLS_WORKER_NAME"}),
        ("worker", {"TASKMASTER_CLUSTER_TOKEN", "WORKER_ADDRESS"}),
    ],
)
def test_each_service_gets_its_database_tokens_address_and_tls(name, variables):
    assert {variable["name"] for variable in container(name)["env"]} == variables | TLS_VARIABLES


def environment_of(name):
    return {variable["name"]: variable.get("value") for variable in container(name)["env"]}


@pytest.mark.parametrize(("name", "client_auth"), [("scheduler", "none"), ("coordinator", "require"), ("worker", "require")])
def test_every_service_serves_tls_from_the_secret_in_the_layout_cert_manager_writes(name, client_auth):
    environment = environment_of(name)
    assert environment["TASKMASTER_TLS_CERT"] == f"{TLS_FOLDER}/tls.crt"
    assert environment["TASKMASTER_TLS_KEY"] == f"{TLS_FOLDER}/tls.key"
    assert environment["TASKMASTER_TLS_CA"] == f"{TLS_FOLDER}/ca.crt"
    assert environment["TASKMASTER_TLS_CLIENT_AUTH"] == client_auth
    (mount,) = [mount for mount in container(name)["volumeMounts"] if mount["mountPath"] == TLS_FOLDER]
    assert mount["readOnly"]
    pod = deployment(name)["spec"]["template"]["spec"]
    (volume,) = [volume for volume in pod["volumes"] if volume["name"] == mount["name"]]
    assert volume["secret"]["secretName"] == "taskmaster-tls"
    # The files are the group's, and the pod's user is in it.
    assert volume["secret"]["defaultMode"] == 0o440
    assert pod["securityContext"]["fsGroup"] == pod["securityContext"]["runAsGroup"]


def test_the_coordinators_check_workers_against_the_name_of_their_service():
    assert environment_of("coordinator")["TASKMASTER_TLS_WORKER_NAME"] == deployment("worker")["metadata"]["name"]


def test_the_scheduler_is_probed_over_https():
    probes = container("scheduler")
    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        assert probes[probe]["httpGet"]["path"] == path
        assert probes[probe]["httpGet"]["scheme"] == "HTTPS"


@pytest.mark.parametrize("name", ["coordinator", "worker"])
def test_services_that_require_client_certificates_are_probed_by_their_own_check(name):
    probes = container(name)
    assert probes["readinessProbe"]["exec"]["command"] == [f"/usr/local/bin/{name}", "--check", port_flag_of(name)]
    assert probes["livenessProbe"]["tcpSocket"]["port"] == "admin"


def test_two_schedulers_and_two_coordinators_each_with_a_disruption_budget():
    found = resources()
    assert deployment("scheduler")["spec"]["replicas"] == 2
    assert deployment("coordinator")["spec"]["replicas"] == 2
    for name in ("scheduler", "coordinator", "worker"):
        budget = found[("PodDisruptionBudget", f"taskmaster-{name}")]
        assert budget["spec"]["selector"] == deployment(name)["spec"]["selector"]


def test_workers_resolve_the_coordinators_through_a_headless_service():
    service = resources()[("Service", "taskmaster-coordinator")]
    assert service["spec"]["clusterIP"] == "None"
    assert "--coordinator=taskmaster-coordinator:8080" in container("worker")["args"]


def test_a_worker_is_given_more_time_to_stop_than_it_drains():
    (drain,) = [arg.split("=", 1)[1] for arg in container("worker")["args"] if arg.startswith("--drain_timeout=")]
    assert drain.endswith("s")
    grace = deployment("worker")["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert grace > int(drain[:-1])


# --- docker-compose: PostgreSQL's data, healthchecks, start order ---------------------------------


def test_postgres_keeps_its_data_in_a_named_volume():
    document = compose()
    mounts = [volume.split(":") for volume in document["services"]["postgres"]["volumes"]]
    (named,) = [source for source, target, *_ in mounts if target == "/var/lib/postgresql/data"]
    assert named in document["volumes"], "the data must live in a named volume, which `docker compose down` keeps"


def port_flag_of(name):
    """The flag whose port --check asks: the scheduler's API port, a coordinator's or worker's admin port."""
    flag = "--scheduler_port" if name == "scheduler" else "--admin_port"
    words = entrypoint(name)
    if words[:2] == ["/bin/sh", "-c"]:
        words = shlex.split(words[2].rsplit("exec ", 1)[1])
    (value,) = [word for word in words if word.startswith(flag + "=")]
    return value


@pytest.mark.parametrize("name", ["scheduler", "coordinator", "worker"])
def test_every_taskmaster_service_has_a_healthcheck_that_runs_its_own_check(name):
    services = compose_services_built_from(f"{name}.dockerfile")
    assert services
    for service in services:
        check = compose()["services"][service]["healthcheck"]
        # The port the service listens on inside its container, as its image's entrypoint sets it.
        assert check["test"] == ["CMD", f"/usr/local/bin/{name}", "--check", port_flag_of(name)], service
        assert {"interval", "timeout", "retries", "start_period"} <= check.keys(), service


def test_compose_puts_tls_on_every_taskmaster_service():
    services = compose()["services"]
    taskmaster = [name for name in services if services[name].get("build")]
    assert taskmaster
    for name in taskmaster:
        environment = services[name]["environment"]
        assert environment["TASKMASTER_TLS_CERT"] == f"{TLS_FOLDER}/tls.crt", name
        assert environment["TASKMASTER_TLS_KEY"] == f"{TLS_FOLDER}/tls.key", name
        assert environment["TASKMASTER_TLS_CA"] == f"{TLS_FOLDER}/ca.crt", name
        assert environment["TASKMASTER_TLS_CLIENT_AUTH"] == ("none" if name == "scheduler" else "require"), name
        assert [volume for volume in services[name]["volumes"] if volume.endswith(f":{TLS_FOLDER}:ro")], name
    for name in compose_services_built_from("coordinator.dockerfile"):
        assert services[name]["environment"]["TASKMASTER_TLS_WORKER_NAME"] == "worker"


def test_workers_start_once_the_coordinators_are_healthy():
    services = compose()["services"]
    coordinators = compose_services_built_from("coordinator.dockerfile")
    depends = services["worker"]["depends_on"]
    assert {name: depends.get(name, {}).get("condition") for name in coordinators} == dict.fromkeys(coordinators, "service_healthy")
    for name in ["scheduler", *coordinators]:
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"


# --- Workers run as PID 1 and reap their tasks' orphans themselves ----------------------------------


def test_the_worker_image_execs_the_worker_so_that_it_is_pid_1():
    words = entrypoint("worker")
    assert words[:2] == ["/bin/sh", "-c"]
    assert re.search(r'(^|;\s*)exec /usr/local/bin/worker\b[^;]*"\$@"$', words[2]), words[2]
    # Nothing replaces that entrypoint.
    assert "entrypoint" not in compose()["services"]["worker"]
    assert "command" not in container("worker")


# --- The Dockerfiles build the Swift packages' versions CI tested -----------------------------------
#
# deploy/swift-packages.pins lists them (`scripts/swift-pins.sh record` writes it from the
# Package.resolved of a build); each Dockerfile turns it into a Package.resolved with
# `scripts/swift-pins.sh resolve`, which finds the commit of each version's tag with
# `git ls-remote`, and builds with --force-resolved-versions.

PINS = REPO / "deploy" / "swift-packages.pins"
PINS_SCRIPT = REPO / "scripts" / "swift-pins.sh"


def swift_pins(*arguments, path=None):
    environment = dict(os.environ)
    if path is not None:
        environment["PATH"] = f"{path}{os.pathsep}{environment.get('PATH', '/usr/bin:/bin')}"
    return subprocess.run(["bash", PINS_SCRIPT, *arguments], capture_output=True, text=True, env=environment, check=False)


def pin_lines(text):
    """The `IDENTITY LOCATION VERSION` lines of a pin list, without its comments."""
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def pinned_versions(text):
    pinned = {}
    for line in pin_lines(text):
        identity, location, version = line.split()
        assert identity not in pinned, f"{identity} is pinned twice"
        pinned[identity] = (location, version)
    return pinned


def test_the_pin_list_pins_a_version_of_each_package():
    text = PINS.read_text()
    assert text.startswith("#") and "scripts/swift-pins.sh record > deploy/swift-packages.pins" in text
    pinned = pinned_versions(text)
    assert pinned
    assert list(pinned) == sorted(pinned)
    for identity, (location, version) in pinned.items():
        assert location.startswith("https://"), identity
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), identity


def test_the_pin_list_is_what_record_makes_of_the_local_package_resolved():
    local = REPO / "Package.resolved"
    if not local.exists():
        pytest.skip("no Package.resolved here: `swift build` writes it (the tests run after the build, so CI has it)")
    recorded = swift_pins("record", str(local))
    assert recorded.returncode == 0, recorded.stderr
    assert PINS.read_text() == recorded.stdout, (
        "deploy/swift-packages.pins is out of date: run `scripts/swift-pins.sh record > deploy/swift-packages.pins`"
    )


RESOLVED_BY_SWIFTPM = """{
  "originHash" : "e855de09c1d8f3b9483c5295b0bb737dabffb509a2b366a56cdfd5d9d69b884f",
  "pins" : [
    {
      "identity" : "swift-nio",
      "kind" : "remoteSourceControl",
      "location" : "https://github.com/apple/swift-nio",
      "state" : {
        "revision" : "cb5a7340e5f89ca4e8a44687d1979ace078be128",
        "version" : "2.101.3"
      }
    },
    {
      "identity" : "swift-atomics",
      "kind" : "remoteSourceControl",
      "location" : "https://github.com/apple/swift-atomics.git",
      "state" : {
        "revision" : "6c7dbee0cc6840dffa75a29a46834d0714135e93",
        "version" : "1.3.0"
      }
    }
  ],
  "version" : 3
}
"""


def test_record_lists_identity_location_and_version_sorted(tmp_path):
    resolved = tmp_path / "Package.resolved"
    resolved.write_text(RESOLVED_BY_SWIFTPM)
    recorded = swift_pins("record", str(resolved))
    assert recorded.returncode == 0, recorded.stderr
    assert pin_lines(recorded.stdout) == [
        "swift-atomics https://github.com/apple/swift-atomics.git 1.3.0",
        "swift-nio https://github.com/apple/swift-nio 2.101.3",
    ]
    # The header is the committed list's.
    header = [line for line in PINS.read_text().splitlines() if line.startswith("#")]
    assert [line for line in recorded.stdout.splitlines() if line.startswith("#")] == header


def test_record_refuses_a_package_pinned_to_a_branch(tmp_path):
    resolved = tmp_path / "Package.resolved"
    resolved.write_text(RESOLVED_BY_SWIFTPM.replace('"version" : "1.3.0"', '"branch" : "main"'))
    recorded = swift_pins("record", str(resolved))
    assert recorded.returncode != 0
    assert "swift-atomics" in recorded.stderr and "branch" in recorded.stderr, recorded.stderr


ANNOTATED_TAG = "1111111111111111111111111111111111111111"
ANNOTATED_COMMIT = "2222222222222222222222222222222222222222"
LIGHTWEIGHT_COMMIT = "3333333333333333333333333333333333333333"
V_COMMIT = "4444444444444444444444444444444444444444"
OTHER = "5555555555555555555555555555555555555555"

# A stand-in for git that answers `git ls-remote --tags LOCATION PATTERN...` with fixed refs, whatever
# the patterns, as a server that ignored them would: near misses included.
FAKE_GIT = f"""#!/usr/bin/env bash
[[ $1 == ls-remote ]] || {{ echo "fake git: unexpected $*" >&2; exit 2; }}
shift
[[ $1 == --tags ]] && shift
tag() {{ printf '%s\\trefs/tags/%s\\n' "$1" "$2"; }}
case $1 in
  https://example.test/annotated.git)
    tag {OTHER} 12.0.0; tag {ANNOTATED_TAG} 2.0.0; tag {ANNOTATED_COMMIT} '2.0.0^{{}}'; tag {OTHER} 2.0.0-beta.1 ;;
  https://example.test/lightweight)
    tag {LIGHTWEIGHT_COMMIT} 1.2.3; tag {OTHER} v1.2.3; tag {OTHER} 1.2.30 ;;
  https://example.test/v-prefixed)
    tag {OTHER} v0.9.1; tag {V_COMMIT} v0.9.0 ;;
  *) echo "fatal: repository '$1' not found" >&2; exit 128 ;;
esac
"""


@pytest.fixture
def fake_git(tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "git").write_text(FAKE_GIT)
    (folder / "git").chmod(0o755)
    return folder


def resolve(tmp_path, fake_git, lines):
    pins = tmp_path / "swift-packages.pins"
    pins.write_text("".join(line + "\n" for line in lines))
    return swift_pins("resolve", str(pins), path=fake_git)


def test_resolve_writes_a_package_resolved_at_each_tags_commit(tmp_path, fake_git):
    result = resolve(tmp_path, fake_git, [
        "# a comment",
        "zeta https://example.test/annotated.git 2.0.0",
        "",
        "alpha https://example.test/lightweight 1.2.3",
        "mid https://example.test/v-prefixed 0.9.0",
    ])
    assert result.returncode == 0, result.stderr

    def pin(identity, location, revision, version):
        return {
            "identity": identity,
            "kind": "remoteSourceControl",
            "location": location,
            "state": {"revision": revision, "version": version},
        }

    # SwiftPM's version 2 format: no originHash; identities sorted; an annotated tag's commit (its
    # peeled line), not the tag object; `vX.Y.Z` when there is no `X.Y.Z`.
    assert json.loads(result.stdout) == {
        "pins": [
            pin("alpha", "https://example.test/lightweight", LIGHTWEIGHT_COMMIT, "1.2.3"),
            pin("mid", "https://example.test/v-prefixed", V_COMMIT, "0.9.0"),
            pin("zeta", "https://example.test/annotated.git", ANNOTATED_COMMIT, "2.0.0"),
        ],
        "version": 2,
    }
    assert list(json.loads(result.stdout)) == ["pins", "version"]
    # What resolve writes, record reads back.
    written = tmp_path / "Package.resolved"
    written.write_text(result.stdout)
    recorded = swift_pins("record", str(written))
    assert recorded.returncode == 0, recorded.stderr
    assert pin_lines(recorded.stdout) == [
        "alpha https://example.test/lightweight 1.2.3",
        "mid https://example.test/v-prefixed 0.9.0",
        "zeta https://example.test/annotated.git 2.0.0",
    ]


def test_resolve_fails_with_one_line_naming_a_package_whose_tag_is_missing(tmp_path, fake_git):
    result = resolve(tmp_path, fake_git, [
        "alpha https://example.test/lightweight 1.2.3",
        "zeta https://example.test/annotated.git 2.0.1",
    ])
    assert result.returncode != 0
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "zeta" in line and "2.0.1" in line and "https://example.test/annotated.git" in line, line


def test_resolve_names_a_package_whose_tags_cannot_be_listed(tmp_path, fake_git):
    result = resolve(tmp_path, fake_git, ["gone https://example.test/gone 1.0.0"])
    assert result.returncode != 0
    assert result.stdout == ""
    assert "gone" in result.stderr.splitlines()[-1], result.stderr


def test_the_pinned_versions_satisfy_package_swift():
    requirements = re.findall(r'\.package\(url: "([^"]+)", from: "([^"]+)"', (REPO / "Package.swift").read_text())
    assert requirements
    by_location = {location.removesuffix(".git"): version for location, version in pinned_versions(PINS.read_text()).values()}

    def version_tuple(text):
        return tuple(int(part) for part in text.split("."))

    for url, minimum in requirements:
        pinned = by_location.get(url.removesuffix(".git"))
        assert pinned, f"{url} is not pinned in {PINS.relative_to(REPO)}"
        # `from:` allows that version up to the next major one.
        assert version_tuple(minimum) <= version_tuple(pinned) and version_tuple(pinned)[0] == version_tuple(minimum)[0], url


@pytest.mark.parametrize("name", ["scheduler", "coordinator", "worker"])
def test_each_dockerfile_builds_the_pinned_versions(name):
    lines = DOCKERFILES[name].read_text().splitlines()
    stages = [index for index, line in enumerate(lines) if line.startswith("FROM ")]
    build_stage = lines[stages[0] : stages[1]]
    (copy,) = [index for index, line in enumerate(build_stage) if "swift-pins" in line and line.startswith("COPY ")]
    *sources, destination = build_stage[copy].split()[1:]
    assert set(sources) == {"deploy/swift-packages.pins", "scripts/swift-pins.sh"}, build_stage[copy]
    (run,) = [index for index, line in enumerate(build_stage) if line.startswith("RUN ") and "swift-pins.sh" in line]
    match = re.fullmatch(r"RUN (?:bash )?(\S+) resolve (\S+) > (\S+)", build_stage[run])
    assert match, build_stage[run]
    copied = {posixpath.normpath(posixpath.join(destination, posixpath.basename(source))) for source in sources}
    assert {posixpath.normpath(match[1]), posixpath.normpath(match[2])} == copied, build_stage[run]
    assert posixpath.normpath(match[3]) == "Package.resolved", build_stage[run]
    (build,) = [index for index, line in enumerate(build_stage) if line.startswith("RUN swift build ")]
    assert copy < run < build
    assert "--force-resolved-versions" in build_stage[build].split()
    assert not any("Package.resolved" in line for line in build_stage if line.startswith("COPY ")), "the build must resolve, not copy"


def test_git_keeps_the_pin_list_and_the_script():
    assert os.access(PINS_SCRIPT, os.X_OK), f"{PINS_SCRIPT.relative_to(REPO)} is not executable"
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    for path in (PINS, PINS_SCRIPT):
        ignored = subprocess.run(["git", "-C", REPO, "check-ignore", "-q", "--no-index", path], check=False)
        assert ignored.returncode == 1, f"{path.relative_to(REPO)} is ignored by git"


# --- System packages: `make dev` installs what building and running need, `make test` the rest ----

BUILD_AND_RUN = {"pkg-config", "libnghttp2-dev", "libprotobuf-c-dev", "protobuf-c-compiler", "libpq-dev", "postgresql", "curl",
                 "openssl"}
TESTS_ONLY = {"iproute2", "chromium", "python3-venv"}


def install_deps_list(*arguments):
    result = subprocess.run(
        ["bash", REPO / "scripts" / "install-deps.sh", "--list", *arguments], check=True, capture_output=True, text=True
    )
    return set(result.stdout.split())


def test_install_deps_installs_the_tests_packages_only_when_asked():
    default, with_tests = install_deps_list(), install_deps_list("--tests")
    assert BUILD_AND_RUN <= default
    assert not default & TESTS_ONLY
    assert default | TESTS_ONLY <= with_tests


def makefile_recipe(target):
    lines = (REPO / "Makefile").read_text().splitlines()
    start = lines.index(f"{target}:") if f"{target}:" in lines else next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def install_deps_calls(path):
    return [line for line in path.read_text().splitlines() if "scripts/install-deps.sh" in line and not line.lstrip().startswith("#")]


def test_make_dev_and_make_run_install_no_test_only_package():
    for target in ("dev", "run", "deps"):
        for line in makefile_recipe(target):
            assert "--tests" not in line, (target, line)
    assert any("scripts/dev-cluster.sh" in line for line in makefile_recipe("dev"))
    calls = install_deps_calls(REPO / "scripts" / "dev-cluster.sh")
    assert calls and all("--tests" not in line for line in calls), calls


def test_make_test_installs_the_tests_packages():
    assert makefile_recipe("test") == ["scripts/test.sh"]
    calls = install_deps_calls(REPO / "scripts" / "test.sh")
    assert calls and all("scripts/install-deps.sh --tests" in line for line in calls), calls


def test_make_run_starts_the_cluster_without_building():
    (line,) = makefile_recipe("run")
    assert "BUILD=0" in line.split() and "scripts/dev-cluster.sh" in line
    script = (REPO / "scripts" / "dev-cluster.sh").read_text().splitlines()
    start = script.index("if ((build)); then")
    end = script.index("else", start)
    builds = [index for index, text in enumerate(script) if re.search(r"\bswift build\b", text) and not text.lstrip().startswith("#")]
    assert builds and all(start < index < end for index in builds), "dev-cluster.sh builds only when BUILD is not 0"


# --- The README's Kubernetes commands run as written, from the repository's top folder --------------


def test_the_readme_kubernetes_commands_run_from_the_top_folder(tmp_path):
    readme = (REPO / "README.md").read_text()
    section = readme.split("\n### Kubernetes\n", 1)[1].split("\n## ", 1)[0]
    (commands,) = re.findall(r"```sh\n(.*?)```", section, re.S)
    top = tmp_path / "repo"
    (top / "deploy").mkdir(parents=True)
    subprocess.run(["cp", "-r", KUBERNETES, top / "deploy"], check=True)
    log = tmp_path / "calls"
    # Stand-ins for the tools, which check what the real ones need: kustomize edits the
    # kustomization in its current folder, kubectl -k takes a folder with one.
    stubs = f"""
openssl() {{ echo 0123456789abcdef; }}
kustomize() {{ [[ -f kustomization.yaml ]] || {{ echo "kustomize: no kustomization.yaml in $PWD" >&2; return 1; }}; echo "kustomize $*" >>{shlex.quote(str(log))}; }}
kubectl() {{
  local previous=""
  for argument; do
    if [[ $previous == -k ]]; then
      [[ -f $argument/kustomization.yaml ]] || {{ echo "kubectl: no kustomization.yaml in $PWD/$argument" >&2; return 1; }}
    fi
    previous=$argument
  done
  echo "kubectl $*" >>{shlex.quote(str(log))}
}}
set -euo pipefail
"""
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    subprocess.run(["bash", "-c", stubs + commands], cwd=top, check=True, env=environment)
    calls = log.read_text().splitlines()
    assert any(call.startswith("kubectl apply -k ") for call in calls), calls
    images = {image["name"] for image in kustomization()["images"]}
    edits = " ".join(call for call in calls if call.startswith("kustomize edit set image "))
    assert {name for name in images if f"{name}=" in edits} == images, calls
    written = (top / "deploy" / "kubernetes" / "taskmaster.env").read_text()
    assert set(re.findall(r"(?m)^([a-z-]+)=", written)) == {"api-token", "cluster-token", "database-url"}
