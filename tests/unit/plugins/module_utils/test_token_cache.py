"""Token cache: reuse across tasks, owner-only files, one login across concurrent forks."""

from __future__ import annotations

import multiprocessing
import os
import stat
import time

from ansible_collections.wanfleet.routers.plugins.module_utils.token_cache import TokenCache, cache_key


def test_key_depends_on_every_part_and_hides_the_secret():
    key = cache_key("ncm", "https://a/", "id", "secret-value")
    assert key == cache_key("ncm", "https://a", "id", "secret-value")
    assert key != cache_key("ncm", "https://a", "id", "other-secret")
    assert key != cache_key("telecomx", "https://a", "id", "secret-value")
    assert "secret-value" not in key


def test_entry_is_reused_by_a_new_instance_and_file_is_private(tmp_path):
    logins = []
    first = TokenCache(directory=str(tmp_path / "tokens"))
    entry = first.obtain("k", lambda: logins.append(1) or {"token": "t1", "expires_at": time.time() + 3600})
    second = TokenCache(directory=str(tmp_path / "tokens"))
    assert second.obtain("k", lambda: logins.append(1) or {"token": "t2"}) == entry
    assert logins == [1]
    path = tmp_path / "tokens" / "k.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "tokens").st_mode) == 0o700


def test_expired_entry_is_not_used(tmp_path):
    clock = [1000.0]
    cache = TokenCache(directory=str(tmp_path), clock=lambda: clock[0])
    cache.put("k", {"token": "old", "expires_at": 1100.0})
    assert cache.get("k")["token"] == "old"
    clock[0] = 1050.0  # within the safety margin of its expiry
    assert cache.get("k") is None
    assert cache.obtain("k", lambda: {"token": "new", "expires_at": 9999.0})["token"] == "new"


def test_force_replaces_only_the_refused_token(tmp_path):
    cache = TokenCache(directory=str(tmp_path))
    cache.obtain("k", lambda: {"token": "refused"})
    assert cache.obtain("k", lambda: {"token": "fresh"}, force=True)["token"] == "fresh"
    # Another process that still holds "refused" and is forced finds "fresh" already there.
    other = TokenCache(directory=str(tmp_path))
    other._memory["k"] = {"token": "refused"}
    assert other.obtain("k", lambda: {"token": "third"}, force=True)["token"] == "fresh"


def test_disabled_cache_keeps_nothing_on_disk(tmp_path):
    cache = TokenCache(enabled=False, directory=str(tmp_path / "tokens"))
    assert cache.obtain("k", lambda: {"token": "t"})["token"] == "t"
    assert not (tmp_path / "tokens").exists()


def _login_in_fork(directory, counter_file, barrier):
    barrier.wait()

    def login():
        with open(counter_file, "a") as handle:
            handle.write("x")
        time.sleep(0.2)  # a slow login: the others must wait for it, not log in too
        return {"token": "shared", "expires_at": time.time() + 3600}

    TokenCache(directory=directory).obtain("k", login)


def test_concurrent_forks_log_in_once(tmp_path):
    counter = tmp_path / "logins"
    counter.write_text("")
    barrier = multiprocessing.Barrier(6)
    workers = [multiprocessing.Process(target=_login_in_fork, args=(str(tmp_path / "t"), str(counter), barrier)) for worker in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(20)
    assert all(worker.exitcode == 0 for worker in workers)
    assert counter.read_text() == "x"
