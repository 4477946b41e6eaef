"""Patroni failover: the primary is killed and stays down; the synchronous standby is
promoted within the ttl bound, writes succeed again, no acknowledged row is lost, the
IDP follows the new primary, and the old primary rejoins as a replica."""

from __future__ import annotations

import threading
import time
from contextlib import closing
from typing import Any

import docker
import httpx
import psycopg
import pytest

from harness.polling import wait_until
from harness.settings import Settings
from tests.conftest import await_notified
from tests.sandbox_state import healthy_database_pair as _healthy_pair
from tests.sandbox_state import patroni_members as _members

pytestmark = pytest.mark.integration
TTL_BOUND_S = 40  # ttl 20 s + loop_wait 2 s + the sync standby released + connection retries;
# 30 s was exceeded once on a loaded 2-core machine (the drill's RTO deadline is 45 s)


class Writer(threading.Thread):
    """Inserts rows one by one; a row counts as acknowledged once its commit returned."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.base = time.time_ns()
        self.acknowledged: list[tuple[int, float]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        conn: psycopg.Connection[Any] | None = None
        next_id = self.base
        while not self.stop.is_set():
            try:
                conn = conn or psycopg.connect(self.url, autocommit=True)
                conn.execute("INSERT INTO failover_rows VALUES (%s)", (next_id,))
                self.acknowledged.append((next_id, time.time()))
                next_id += 1
            except psycopg.Error:
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.2)
            time.sleep(0.02)
        if conn is not None:
            conn.close()

    def first_ack_after(self, moment: float) -> float | None:
        return next((at for _, at in self.acknowledged if at > moment), None)


@pytest.fixture
def database_url(sandbox: Any) -> str:
    """Like the app's: both nodes on the sandbox network, straight to the containers
    (not through docker-proxy, which outlives a killed container and hangs a client),
    with TCP keepalives so that a dead primary is noticed within seconds."""
    password = sandbox.secret("database-password")
    with closing(docker.from_env()) as client:
        hosts = ",".join(
            client.containers.get(f"pagerdrill-sandbox-postgres-{i}").attrs["NetworkSettings"][
                "Networks"
            ]["pagerdrill-sandbox"]["IPAddress"]
            + ":5432"
            for i in (0, 1)
        )
    url = (
        f"postgresql://idp:{password}@{hosts}/idp?target_session_attrs=read-write"
        "&connect_timeout=2&keepalives=1&keepalives_idle=1&keepalives_interval=1"
        "&keepalives_count=2&tcp_user_timeout=3000"
    )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS failover_rows (id BIGINT PRIMARY KEY)")
    return url


def test_hard_kill_of_the_primary_fails_over_without_losing_rows(
    database_url: str, settings: Settings
) -> None:
    leader = wait_until(
        _healthy_pair,
        60,
        expected="a leader with a streaming sync standby",
        where="Patroni's REST API",
        describe=_members,
    )
    writer = Writer(database_url)
    writer.start()
    wait_until(lambda: len(writer.acknowledged) > 20, 10, expected="writes", where="PostgreSQL")
    client = docker.from_env()
    old_primary = client.containers.get(f"pagerdrill-sandbox-{leader}")
    killed_at = time.time()
    old_primary.kill()  # through the API: a manual stop, so no restart policy brings it back
    try:
        wait_until(
            lambda: writer.first_ack_after(killed_at + 0.5),
            TTL_BOUND_S,
            expected="a write acknowledged by the new primary",
            where="PostgreSQL",
            describe=_members,
        )
        new_leader = wait_until(_leader, 10, expected="a new leader", where="Patroni")
        assert new_leader != leader
        _app_follows_the_new_primary(settings)
        # while no node was primary, the P0 database alert paged on-call
        await_notified(settings, "DatabaseNoPrimary", killed_at, {"pagerduty-critical"})
    finally:
        writer.stop.set()
        writer.join(timeout=10)
        old_primary.start()
    with psycopg.connect(database_url) as conn:
        stored = {
            row[0]
            for row in conn.execute("SELECT id FROM failover_rows WHERE id >= %s", (writer.base,))
        }
    lost = [row for row, _ in writer.acknowledged if row not in stored]
    assert lost == [], f"{len(lost)} of {len(writer.acknowledged)} acknowledged rows lost"
    wait_until(
        _healthy_pair,
        60,
        expected="the old primary back as a streaming sync standby",
        where="Patroni's REST API",
        describe=_members,
    )
    client.close()


def _leader() -> str | None:
    return next((n for n, (role, _) in _members().items() if role == "leader"), None)


def _app_follows_the_new_primary(settings: Settings) -> None:
    base = settings.target.app.base_url
    login = {
        "username": settings.target.app.credentials.username,
        "password": settings.password.get_secret_value(),
    }
    wait_until(
        lambda: httpx.get(base + "/readyz", timeout=5).is_success,
        30,
        expected="the IDP ready again",
        where=base + "/readyz",
    )
    wait_until(
        lambda: httpx.post(base + "/api/login", json=login, timeout=5).is_success,
        30,
        expected="sign-in (a write) working again",
        where=base + "/api/login",
    )
