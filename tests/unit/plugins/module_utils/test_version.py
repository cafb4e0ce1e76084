"""The User-Agent names galaxy.yml's version: the Makefile writes it into _version.py, and the two never drift."""

from __future__ import annotations

import os
import shutil
import subprocess

import yaml

from ansible_collections.wanfleet.routers.plugins.module_utils import _version
from ansible_collections.wanfleet.routers.plugins.module_utils.http import USER_AGENT, HttpSession

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
VERSION_FILE = os.path.join("plugins", "module_utils", "_version.py")


def galaxy_version(root=ROOT):
    with open(os.path.join(root, "galaxy.yml"), encoding="utf-8") as handle:
        return str(yaml.safe_load(handle)["version"])


def test_the_user_agent_names_galaxy_yml_version():
    # Fails when galaxy.yml was bumped and _version.py not rewritten: run `make collection-layout` and commit it.
    assert _version.COLLECTION_VERSION == galaxy_version()
    assert USER_AGENT == "wanfleet.routers/" + galaxy_version()


def test_every_request_carries_the_user_agent():
    session = HttpSession(timeout=5)
    try:
        assert session.client.headers["User-Agent"] == "wanfleet.routers/" + galaxy_version()
    finally:
        session.close()


def test_make_rewrites_the_version_file_from_galaxy_yml(tmp_path):
    os.makedirs(str(tmp_path / "plugins" / "module_utils"))
    shutil.copy(os.path.join(ROOT, VERSION_FILE), str(tmp_path / VERSION_FILE))
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        text = handle.read()
    (tmp_path / "galaxy.yml").write_text(text.replace("\nversion: %s\n" % galaxy_version(), "\nversion: 9.8.7\n"))
    os.utime(str(tmp_path / VERSION_FILE), (0, 0))  # older than galaxy.yml, as after a version bump
    env = dict((key, value) for key, value in os.environ.items() if key not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"))
    subprocess.run(["make", "-f", os.path.join(ROOT, "Makefile"), "-C", str(tmp_path), VERSION_FILE], env=env, check=True, capture_output=True, timeout=60)
    written = (tmp_path / VERSION_FILE).read_text()
    assert 'COLLECTION_VERSION = "9.8.7"\n' in written
    with open(os.path.join(ROOT, VERSION_FILE), encoding="utf-8") as handle:
        assert written.replace("9.8.7", galaxy_version()) == handle.read()  # only the version line changes
