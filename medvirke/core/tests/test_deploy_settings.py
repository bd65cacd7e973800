"""Production mode (DEBUG off, secret from the environment) passes Django's deploy checks,
and every response carries a strict Content-Security-Policy without inline scripts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDVIRKE_")}
    env |= {"DJANGO_SETTINGS_MODULE": "medvirke.settings", **extra_env}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_check_deploy() -> None:
    result = run_check(
        {
            "MEDVIRKE_DEBUG": "0",
            "MEDVIRKE_SECRET_KEY": "x9!Tq" * 12,
            "MEDVIRKE_ALLOWED_HOSTS": "medvirke.example.no",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_refuses_the_development_secret_key() -> None:
    result = run_check({"MEDVIRKE_DEBUG": "0", "MEDVIRKE_ALLOWED_HOSTS": "medvirke.example.no"})
    assert result.returncode != 0
    assert "MEDVIRKE_SECRET_KEY" in result.stdout + result.stderr


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client) -> None:
    response = client.get("/konto/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert b"<script>" not in response.content  # no inline script blocks


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
