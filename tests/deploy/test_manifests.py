"""The deployment files, checked without a cluster: docker-compose.yml against the Compose
specification, the Kubernetes manifests against the Kubernetes schemas (strict: no unknown
fields), and what the services need of them (replicas, probes, tokens, the drain grace)."""

import pathlib
import re
import subprocess
import sys

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
KUBERNETES = REPO / "deploy" / "kubernetes"
BIN = pathlib.Path(sys.executable).parent


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


@pytest.mark.parametrize(
    ("name", "variables"),
    [
        ("scheduler", {"DATABASE_URL", "TASKMASTER_API_TOKEN"}),
        ("coordinator", {"DATABASE_URL", "TASKMASTER_CLUSTER_TOKEN", "COORDINATOR_ADDRESS"}),
        ("worker", {"TASKMASTER_CLUSTER_TOKEN", "WORKER_ADDRESS"}),
    ],
)
def test_each_service_gets_its_database_tokens_and_address(name, variables):
    assert {variable["name"] for variable in container(name)["env"]} == variables


@pytest.mark.parametrize("name", ["scheduler", "coordinator", "worker"])
def test_probes_ask_the_health_endpoints(name):
    probes = container(name)
    assert probes["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert probes["livenessProbe"]["httpGet"]["path"] == "/healthz"


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
