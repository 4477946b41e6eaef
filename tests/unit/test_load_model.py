"""Load shapes, bounds, the host guard, and the load SLO checks."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import SecretStr, TypeAdapter, ValidationError

from harness.configfile import load_model
from harness.errors import GuardRefused
from harness.journal import FaultJournal
from harness.load_results import EndpointStats, ErrorStats, LoadResult
from harness.load_specs import LoadExpectation, LoadShape, LoadSpec
from harness.target import KubernetesPlatform, TargetConfig
from load.kubernetes_workers import WorkerPods
from load.runner import check_host
from remediation.load_phase import load_checks

REPO = Path(__file__).resolve().parents[2]


def _shape(**fields: object) -> LoadShape:
    shape: LoadShape = TypeAdapter(LoadShape).validate_python(fields)
    return shape


def test_steady_and_soak_hold_their_users_then_end() -> None:
    for kind in ("steady", "soak"):
        shape = _shape(kind=kind, users=5, duration="10s")
        assert shape.tick(0) == (5, 10)
        assert shape.tick(9.9) == (5, 10)
        assert shape.tick(10) is None


def test_ramp_goes_linearly_from_start_to_end() -> None:
    shape = _shape(kind="ramp", start=0, end=100, duration="100s")
    assert shape.tick(0)[0] == 1  # type: ignore[index]
    assert shape.tick(50)[0] == 50  # type: ignore[index]
    assert shape.tick(99)[0] == 99  # type: ignore[index]
    assert shape.tick(100) is None


def test_step_adds_users_every_interval() -> None:
    shape = _shape(kind="step", start=2, step=3, every="10s", steps=3)
    assert [shape.tick(t)[0] for t in (0, 9, 10, 25)] == [2, 2, 5, 8]  # type: ignore[index]
    assert shape.tick(30) is None


def test_spike_is_peak_only_while_it_holds() -> None:
    shape = _shape(kind="spike", base=2, peak=40, at="10s", hold="5s", duration="30s")
    assert [shape.tick(t)[0] for t in (0, 9.9, 10, 14.9, 15, 29)] == [2, 2, 40, 40, 2, 2]  # type: ignore[index]
    assert shape.tick(30) is None
    assert shape.stress_at == 10


def test_spike_must_fit_and_load_must_be_bounded() -> None:
    with pytest.raises(ValidationError, match="must end within duration"):
        _shape(kind="spike", peak=5, at="20s", hold="20s", duration="30s")
    with pytest.raises(ValidationError, match="more than max_duration"):
        LoadSpec.model_validate(
            {"shape": {"kind": "steady", "users": 1, "duration": "2h"}, "max_duration": "10m"}
        )
    with pytest.raises(ValidationError):
        _shape(kind="steady", users=100_000, duration="1m")


def test_load_goes_only_to_allowed_hosts() -> None:
    check_host("http://127.0.0.1:18080", ["127.0.0.1"])
    with pytest.raises(GuardRefused, match=r"idp\.example\.com"):
        check_host("https://idp.example.com", ["127.0.0.1", "localhost"])


def _result(requests: int, failures: int, p95: float | None) -> LoadResult:
    total = EndpointStats("", "Aggregated", requests, failures, 10.0, 0.1, p95, p95)
    slow = EndpointStats("GET", "/api/templates", requests, failures, 10.0, 0.1, p95, p95)
    errors = (ErrorStats("GET", "/api/templates", "HTTPError 500", failures),) if failures else ()
    return LoadResult(10.0, total, (slow,), errors, "drill end", 8)


def test_load_checks_name_what_missed_the_slo() -> None:
    expectation = LoadExpectation(p95_below=2.0, max_error_ratio=0.01, min_requests=100)
    good = load_checks(expectation, _result(500, 2, 0.4))
    assert [c.passed for c in good] == [True, True, True]
    bad = load_checks(expectation, _result(50, 10, 3.5))
    assert [c.passed for c in bad] == [False, False, False]
    assert "slowest GET /api/templates p95 3.5 s" in bad[1].detail
    assert "10 of 50 requests failed (GET /api/templates: HTTPError 500 x10)" in bad[2].detail
    assert load_checks(None, _result(1, 1, None)) == []


def _kubernetes_target() -> TargetConfig:
    return load_model(REPO / "targets" / "sandbox-kubernetes.yaml", TargetConfig)[0]


def test_worker_pods_get_the_credentials_from_a_secret_and_a_deadline(tmp_path: Path) -> None:
    target = _kubernetes_target()
    assert isinstance(target.platform, KubernetesPlatform)
    assert target.load.workers is not None
    workers = target.load.workers.model_copy(update={"master_address": "127.0.0.1"})
    pods = WorkerPods(
        target.platform,
        workers,
        REPO / "load" / "locustfiles" / "idp.py",
        ("alice", SecretStr("s3cret-value")),
        max_s=120,
        journal=FaultJournal(tmp_path / "journal.jsonl"),
    )
    job, files = pods._job().to_dict(), pods._config_map().to_dict()["data"]
    assert "s3cret-value" not in str(job) + str(files)  # only in the Secret
    assert "s3cret-value" in str(pods._secret().to_dict())
    spec = job["spec"]
    container = spec["template"]["spec"]["containers"][0]
    assert spec["parallelism"] == spec["completions"] == 2
    assert spec["active_deadline_seconds"] == 120 + 120  # ends even if pagerdrill is killed
    assert container["command"][:4] == ["locust", "--worker", "--master-host", "127.0.0.1"]
    assert container["resources"]["limits"]["cpu"] == "500m"
    assert {"idp.py", "sign_in.py"} <= set(files)  # the folder: helpers too


def test_worker_pods_need_a_kubernetes_platform() -> None:
    data = yaml.safe_load((REPO / "targets" / "sandbox.yaml").read_text())
    data["load"] = {"workers": {"pods": 2, "image": "x", "master_address": "127.0.0.1"}}
    with pytest.raises(ValidationError, match=r"needs platform\.kind kubernetes"):
        TargetConfig.model_validate(data)
