"""The dashboard served over HTTPS by a cluster with TLS on every link (the scheduler asks the
browser for no certificate), in a Chromium that trusts the scheduler's key and in one that does
not; and the task page naming the API token that created a task (scoped tokens)."""

import uuid

import pytest
from playwright.sync_api import Error, expect

from certificates import CertificateAuthority
from cluster import running_cluster
from conftest import checked_context, launch_chromium, wait_until_the_worker_is_listed
from test_dashboard import sign_in

CI_TOKEN = f"ci-{uuid.uuid4().hex}"


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    return CertificateAuthority(tmp_path_factory.mktemp("authority")).issue("node")


@pytest.fixture(scope="module")
def tls_cluster(node, tmp_path_factory):
    logs = tmp_path_factory.mktemp("tls-cluster")
    tokens = logs / "tokens"
    tokens.write_text(f"ci write {CI_TOKEN}\n")
    with running_cluster(logs, tls=node, scheduler_client_auth="none",
                         scheduler_env={"TASKMASTER_API_TOKENS_FILE": str(tokens)}) as cluster:
        wait_until_the_worker_is_listed(cluster)
        yield cluster


@pytest.fixture(scope="module")
def trusting_browser(playwright, node):
    """A Chromium that trusts the certificate of the scheduler's key, as it would a certificate
    from an authority installed on the machine."""
    browser = launch_chromium(playwright, f"--ignore-certificate-errors-spki-list={node.public_key_pin()}")
    yield browser
    browser.close()


@pytest.fixture
def tls_page(trusting_browser, tls_cluster):
    context, problems = checked_context(trusting_browser, tls_cluster.url, 1280, 800)
    yield context.new_page()
    context.close()
    assert not problems, problems


def test_the_dashboard_loads_over_https_and_its_api_calls_work(tls_page, tls_cluster, screenshot):
    assert tls_cluster.url.startswith("https://")
    response = tls_page.goto("/")
    assert response.ok
    assert response.security_details()["protocol"].startswith("TLS 1.")
    sign_in(tls_page, tls_cluster)
    (worker,) = tls_cluster.call("GET", "/workers")["workers"]
    expect(tls_page.locator(f'[data-testid=worker-row][data-worker-id="{worker["worker_id"]}"]')).to_be_visible()
    screenshot(tls_page, "overview-https")


def test_a_browser_that_does_not_trust_the_certificate_refuses_the_page(browser, tls_cluster):
    context, _ = checked_context(browser, tls_cluster.url, 1280, 800)
    try:
        with pytest.raises(Error, match="ERR_CERT_AUTHORITY_INVALID"):
            context.new_page().goto("/")
    finally:
        context.close()


def test_the_task_page_names_the_token_that_created_the_task(tls_page, tls_cluster):
    reply = tls_cluster.api.post(f"{tls_cluster.url}/schedule", timeout=10,
                                 json={"command": "echo created by ci", "scheduled_at": "2030-01-01T00:00:00Z"},
                                 headers={"Authorization": f"Bearer {CI_TOKEN}"})
    assert reply.ok, reply.text
    task_id = reply.json()["task_id"]
    assert tls_cluster.call("GET", f"/tasks/{task_id}")["created_by"] == "ci"
    sign_in(tls_page, tls_cluster, f"/ui/tasks/{task_id}")
    expect(tls_page.get_by_test_id("task-created-by")).to_have_text("ci")
    tls_cluster.call("POST", f"/tasks/{task_id}/cancel")
