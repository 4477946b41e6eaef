"""Benchmark of distributed load on the Kubernetes sandbox (run by hand, with it up:
`pagerdrill sandbox --platform kubernetes up`):

    .venv/bin/python bench/worker_pods.py [--seconds 30] [--users 40]

Requests per second against the sandbox app's API (load/locustfiles/idp.py, the
drills' own locustfile) from pagerdrill's load runner as master with 1, 2 and 4
Locust worker pods, the same users and duration, measured in the same run; the
baseline is 1 pod. Each worker pod may use a quarter of a CPU (`--cpu`).

On this machine the app, its database and the workers share the node's 2 cores.
The last column says how busy the app was (its pods' CPU from Prometheus, in
cores): at 40 users the users' own wait (0.5-2 s between tasks) caps the rate; at
200, one pod already drives the app's single uvicorn process to a whole core, and
more pods only take CPU from it (README, Benchmarks: measured numbers).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import httpx

from harness.journal import FaultJournal
from harness.load_specs import LoadSpec
from harness.settings import load_settings
from harness.timeline import Timeline
from load.runner import REPO
from remediation.load_phase import runner_for

TARGET = REPO / "targets" / "sandbox-kubernetes.yaml"
APP_CPU = 'sum(rate(process_cpu_seconds_total{job="idp"}[{s}s]))'


def run(pods: int, users: int, seconds: int, cpu: str, workdir: Path) -> tuple[int, float]:
    """(requests, the app's CPU in cores) of one run with `pods` worker pods."""
    settings = load_settings(TARGET)
    target = settings.target
    assert target.load.workers is not None
    spec = LoadSpec.model_validate(
        {
            "shape": {"kind": "steady", "users": users, "spawn_rate": users, "duration": seconds},
            "max_requests": 10_000_000,
            "max_duration": seconds + 60,
        }
    )
    workers = target.load.workers.model_copy(update={"pods": pods, "cpu": cpu})
    target = target.model_copy(update={"load": target.load.model_copy(update={"workers": workers})})
    journal = FaultJournal(settings.journal_path)
    workdir = workdir / f"pods-{pods}"
    runner = runner_for(spec, target, settings.password, Timeline(), workdir, journal=journal)
    with runner as load:
        load.wait(seconds + 90)
        requests = load.stop().total.requests
    query = APP_CPU.replace("{s}", str(seconds))
    answer = httpx.get(f"{target.prometheus.url}/api/v1/query", params={"query": query})
    result = answer.json()["data"]["result"]
    return requests, float(result[0]["value"][1]) if result else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--users", type=int, default=40)
    # 4 pods of the target's 500m each do not fit beside the app on 2 cores (the
    # master then waits for workers that stay Pending)
    parser.add_argument("--cpu", default="250m", help="each worker pod's CPU")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        measured = {
            pods: run(pods, args.users, args.seconds, args.cpu, workdir) for pods in (1, 2, 4)
        }
    baseline = measured[1][0]
    print(f"{'worker pods':<12} {'requests':>9} {'req/s':>8} {'vs 1 pod':>9} {'app CPU':>8}")
    for pods, (requests, cpu) in measured.items():
        rate = requests / args.seconds
        print(f"{pods:<12} {requests:>9} {rate:>8.1f} {requests / baseline:>8.2f}x {cpu:>8.2f}")


if __name__ == "__main__":
    main()
