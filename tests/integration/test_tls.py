# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificate checks (SPEC section 2: validate_certs, ca_path, WANFLEET_CA_PATH), on every platform.

The simulator runs with --tls: HTTPS with a certificate signed by a CA of its own, which no system
trust store holds, as a router's self-signed certificate or a lab's private CA would be. Each test
runs wanfleet.routers.device_info once per platform in one playbook:

- default settings refuse the certificate, with a message that says it is a TLS certificate problem
  and names both ways out (ca_path, validate_certs);
- ca_path (task option or WANFLEET_CA_PATH) with the simulator's CA connects and verifies;
- validate_certs: false (task option or WANFLEET_VALIDATE_CERTS) connects without verifying.
"""

from __future__ import annotations

import os

import pytest

from tests.integration.conftest import credentials
from tests.simulator.process import Simulator

PLATFORMS = ("peplink_router", "ncm", "incontrol", "telecomx")
# Variables that would make the default case trust the simulator's CA, or relax the checks.
TRUST_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR", "WANFLEET_CA_PATH", "WANFLEET_VALIDATE_CERTS")


@pytest.fixture(scope="module")
def tls_simulator():
    with Simulator(seed="default", tls=True) as sim:
        assert sim.url.startswith("https://") and sim.ca_file and os.path.exists(sim.ca_file)
        yield sim


@pytest.fixture
def tls_sim(tls_simulator):
    tls_simulator.reset()
    return tls_simulator


@pytest.fixture(scope="module")
def ansible_env(ansible_env):
    """The harness's environment (run_playbook uses it), less anything that would already trust the simulator."""
    return dict((name, value) for name, value in ansible_env.items() if name not in TRUST_VARIABLES)


def read_each_platform(run_playbook, sim, env=None, **transport):
    """device_info on every platform, one task each (failures kept); returns {platform: result}, with
    result["failed"] set from the task's status (ignore_errors leaves it out of the result)."""
    tasks = [{"name": platform, "ignore_errors": True, "wanfleet.routers.device_info": dict(transport, platform=platform)} for platform in PLATFORMS]
    run = run_playbook(tasks, defaults=credentials(sim), env=env)
    assert len(run.results) == len(PLATFORMS), run.stdout + run.stderr
    results = {}
    for entry in run.results:
        results[entry["task"]] = dict(entry["result"], failed=entry["status"] == "failed")
    return results


def assert_connected(results, sim):
    for platform, result in results.items():
        assert not result.get("failed"), "%s: %s" % (platform, result.get("msg"))
        assert result["devices"], "%s: no devices" % platform
        assert all(device["platform"] == platform for device in result["devices"])
    # Nothing went over plain HTTP: the simulator only speaks HTTPS, so every logged request was TLS.
    assert sim.requests(), "no request reached the simulator"


def test_default_settings_refuse_an_unknown_certificate(run_playbook, tls_sim):
    results = read_each_platform(run_playbook, tls_sim)
    for platform, result in results.items():
        assert result.get("failed"), "%s connected to a certificate no trusted CA signed: %s" % (platform, result)
        message = result["msg"]
        assert "certificate" in message.lower() and "TLS" in message, "%s: %s" % (platform, message)
        assert "ca_path" in message and "validate_certs" in message, "%s: %s" % (platform, message)
        assert message.startswith(platform), "%s: the message should name the platform: %s" % (platform, message)
        assert result.get("error_kind") == "transport", "%s: %s" % (platform, result)
        assert "Traceback" not in message
    # The handshake failed, so no HTTP request was ever answered.
    assert tls_sim.requests() == []


def test_ca_path_option_verifies_the_certificate(run_playbook, tls_sim):
    assert_connected(read_each_platform(run_playbook, tls_sim, ca_path=tls_sim.ca_file), tls_sim)


def test_validate_certs_false_connects_without_verifying(run_playbook, tls_sim):
    assert_connected(read_each_platform(run_playbook, tls_sim, validate_certs=False), tls_sim)


def test_wanfleet_ca_path_environment_variable(run_playbook, tls_sim):
    assert_connected(read_each_platform(run_playbook, tls_sim, env={"WANFLEET_CA_PATH": tls_sim.ca_file}), tls_sim)


def test_wanfleet_validate_certs_environment_variable(run_playbook, tls_sim):
    assert_connected(read_each_platform(run_playbook, tls_sim, env={"WANFLEET_VALIDATE_CERTS": "false"}), tls_sim)


def test_a_missing_ca_path_fails_before_any_request(run_playbook, tls_sim):
    missing = os.path.join(os.path.dirname(tls_sim.ca_file), "no-such-ca.pem")
    results = read_each_platform(run_playbook, tls_sim, ca_path=missing)
    for platform, result in results.items():
        assert result.get("failed"), "%s: %s" % (platform, result)
        assert "ca_path" in result["msg"] and missing in result["msg"], "%s: %s" % (platform, result["msg"])
    assert tls_sim.requests() == []
