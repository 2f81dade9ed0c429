"""The `taskmaster` CLI against a cluster with TLS on every link, its scheduler requiring client
certificates (--tls_client_auth=require) and serving a certificate that names localhost only:
https:// URLs, --cacert, --cert and --cert-key and their variables, and the refusals."""

import os
import subprocess
import time

import pytest

from certificates import CertificateAuthority
from cluster import running_cluster

TIMEOUT_SECONDS = 30


@pytest.fixture(scope="module")
def authority(tmp_path_factory) -> CertificateAuthority:
    return CertificateAuthority(tmp_path_factory.mktemp("authority"))


@pytest.fixture(scope="module")
def tls_cluster(authority, tmp_path_factory):
    node = authority.issue("node")
    scheduler = authority.issue("scheduler", "DNS:localhost")
    with running_cluster(tmp_path_factory.mktemp("tls-cluster"), tls=node, scheduler_tls=scheduler) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def client(authority):
    """A client certificate the cluster's authority signed, apart from the services' own."""
    return authority.issue("cli-client")


@pytest.fixture
def run(cli_path, tls_cluster):
    """`run(*args, env={...})`: the CLI with the API token and nothing else of TASKMASTER_* but `env`."""

    def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        environment = {key: value for key, value in os.environ.items() if not key.startswith("TASKMASTER_")}
        environment.update({"TASKMASTER_API_TOKEN": tls_cluster.api_token, **(env or {})})
        return subprocess.run([str(cli_path), *args], capture_output=True, text=True, env=environment,
                              timeout=TIMEOUT_SECONDS, stdin=subprocess.DEVNULL)

    return run


def port_of(cluster) -> str:
    return cluster.url.rsplit(":", 1)[1]


def test_flags_reach_an_https_scheduler_that_requires_a_client_certificate(run, tls_cluster, client):
    result = run("schedule", "echo over https", "--wait", "--url", f"https://localhost:{port_of(tls_cluster)}",
                 "--cacert", str(client.authority), "--cert", str(client.certificate), "--cert-key", str(client.key))
    assert result.returncode == 0, result.stderr
    assert "completed" in result.stdout and "over https" in result.stdout
    task_id = result.stdout.splitlines()[0]
    assert tls_cluster.call("GET", f"/tasks/{task_id}")["output"] == "over https\n"


def test_variables_do_what_the_flags_do(run, tls_cluster, client):
    result = run("tasks", "--limit", "1", "--json", env={
        "TASKMASTER_URL": f"https://localhost:{port_of(tls_cluster)}", "TASKMASTER_CA": str(client.authority),
        "TASKMASTER_CERT": str(client.certificate), "TASKMASTER_CERT_KEY": str(client.key)})
    assert result.returncode == 0, result.stderr
    assert '"tasks"' in result.stdout


def test_a_client_without_a_certificate_is_refused_at_the_handshake(run, tls_cluster, client):
    result = run("tasks", "--url", f"https://localhost:{port_of(tls_cluster)}", "--cacert", str(client.authority))
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: cannot reach https://localhost:{port_of(tls_cluster)}: "), line
    assert "certificate" in line, line


def test_a_scheduler_certificate_from_another_authority_is_refused_without_waiting(run, tls_cluster, client, tmp_path):
    stranger = CertificateAuthority(tmp_path, "Another CA")
    start = time.monotonic()
    result = run("status", "00000000-0000-0000-0000-000000000000", "--wait",
                 "--url", f"https://localhost:{port_of(tls_cluster)}", "--cacert", str(stranger.certificate),
                 "--cert", str(client.certificate), "--cert-key", str(client.key))
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line == f"error: cannot reach https://localhost:{port_of(tls_cluster)}: TLS handshake failed: certificate verify failed", line
    # --wait keeps asking a scheduler it cannot reach for up to 60 s, but not one it cannot trust.
    assert time.monotonic() - start < 10


def test_an_address_the_certificate_does_not_name_is_refused(run, tls_cluster, client):
    # The scheduler's certificate names localhost, not 127.0.0.1.
    result = run("tasks", "--url", f"https://127.0.0.1:{port_of(tls_cluster)}", "--cacert", str(client.authority),
                 "--cert", str(client.certificate), "--cert-key", str(client.key))
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert "TLS handshake failed" in line and "does not name" in line, line


def test_tls_files_with_an_http_url_are_refused_before_anything_is_sent(run, tls_cluster, client):
    result = run("tasks", "--url", f"http://localhost:{port_of(tls_cluster)}", "--cacert", str(client.authority))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: --cacert, --cert and --cert-key (TASKMASTER_CA, TASKMASTER_CERT, TASKMASTER_CERT_KEY) need an https:// URL, "
        f"not http://localhost:{port_of(tls_cluster)}")


def test_a_certificate_without_its_key_is_a_clear_error(run, tls_cluster, client):
    result = run("tasks", "--url", f"https://localhost:{port_of(tls_cluster)}", "--cert", str(client.certificate))
    assert result.returncode == 1
    assert "--cert (TASKMASTER_CERT) needs --cert-key (TASKMASTER_CERT_KEY)" in result.stderr
