"""Benchmark of the load runner (run by hand; installs and starts nginx on
127.0.0.1:18099 to serve a static file, the endpoint that must not be the
bottleneck):

    .venv/bin/python bench/load_generator.py [--seconds 15] [--users 40]

- requests per generator CPU-second: pagerdrill's runner against plain
  `locust -f` on the same endpoint, same users, same duration, measured in the
  same run: target ratio >= 0.90;
- `--processes 2` against one process, requests per second: target >= 1.5x.

CPU-seconds are the generator's own (user + system of the Locust processes, from
the kernel's accounting of waited-for children), not nginx's.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import SecretStr

from harness.load_specs import LoadSpec
from harness.timeline import Timeline
from load import stats
from load.runner import LoadRunner

HERE = Path(__file__).parent
LOCUSTFILE = HERE / "static_locustfile.py"
HOST = "http://127.0.0.1:18099"
NGINX_CONF = """
daemon off; worker_processes 1; pid {dir}/nginx.pid; error_log {dir}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; keepalive_requests 1000000; open_file_cache max=16;
  server {{ listen 127.0.0.1:18099 reuseport; root {dir}; }} }}
"""


def start_nginx(workdir: Path) -> subprocess.Popen[bytes]:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        subprocess.run(
            ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q", "nginx-light"],
            check=True,
        )
    (workdir / "index.html").write_text("<h1>pagerdrill</h1>\n" * 20)
    (workdir / "nginx.conf").write_text(NGINX_CONF.format(dir=workdir))
    nginx = subprocess.Popen(
        ["/usr/sbin/nginx", "-c", str(workdir / "nginx.conf"), "-p", str(workdir)]
    )
    time.sleep(1)
    return nginx


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(run: Callable[[], int]) -> tuple[int, float]:
    """(requests, generator CPU-seconds) of one run."""
    before = children_cpu()
    requests = run()
    return requests, children_cpu() - before


def plain_locust(workdir: Path, users: int, seconds: int, processes: int) -> int:
    prefix = workdir / f"plain-{processes}"
    argv = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", HOST]
    argv += ["-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--csv", str(prefix)]
    argv += ["--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    if processes > 1:
        argv += ["--processes", str(processes)]
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return stats.final_stats(prefix)[0].requests


def runner(workdir: Path, users: int, seconds: int, processes: int) -> int:
    spec = LoadSpec.model_validate(
        {
            "locustfile": str(LOCUSTFILE),
            "shape": {"kind": "steady", "users": users, "spawn_rate": users, "duration": seconds},
            "processes": processes,
            "max_requests": 10_000_000,
        }
    )
    credentials = ("bench", SecretStr("unused"))
    with LoadRunner(spec, HOST, credentials, Timeline(), workdir / f"runner-{processes}") as load:
        load.wait(seconds + 60)
        return load.stop().total.requests


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--users", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        nginx = start_nginx(workdir)
        try:
            plain = measured(lambda: plain_locust(workdir, args.users, args.seconds, 1))
            ours = measured(lambda: runner(workdir, args.users, args.seconds, 1))
            two = measured(lambda: runner(workdir, args.users, args.seconds, 2))
        finally:
            nginx.terminate()
            nginx.wait()
    print(f"{'measure':<42} {'requests':>9} {'CPU s':>7} {'req/CPU s':>10} {'req/s':>8}")
    for name, (requests, cpu) in (
        ("baseline: plain locust -f, 1 process", plain),
        ("pagerdrill runner, 1 process", ours),
        ("pagerdrill runner, --processes 2", two),
    ):
        rate = requests / args.seconds
        print(f"{name:<42} {requests:>9} {cpu:>7.2f} {requests / cpu:>10.0f} {rate:>8.0f}")
    efficiency = (ours[0] / ours[1]) / (plain[0] / plain[1])
    scaling = two[0] / ours[0]
    print(f"runner efficiency vs plain Locust: {efficiency:.2f} (target >= 0.90)")
    print(f"--processes 2 vs 1 process: {scaling:.2f}x (target >= 1.5)")


if __name__ == "__main__":
    main()
