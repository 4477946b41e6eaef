"""The prober's own process: `python -m journeys.worker`, spec as one JSON line on
stdin (the password never appears in argv or the environment), one JSON line per
journey attempt on stdout. Stops after the current journey when stdin closes (the
drill ended, or its process died) or on SIGTERM."""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from harness.journey_pack import JourneyPack
from journeys.result import JourneyResult
from journeys.schedule import replay
from journeys.target import JourneyTarget


def worker_spec(journeys: list[str], target: JourneyTarget, chromium: Path, every_s: float) -> str:
    """The stdin line that starts a worker (holds the secrets: never log it)."""
    return json.dumps(
        {
            "journeys": journeys,
            "base_url": target.base_url,
            "username": target.username,
            "password": target.password.get_secret_value(),
            "pack": target.pack.model_dump(mode="json"),
            "secrets": {name: secret.get_secret_value() for name, secret in target.secrets.items()},
            "chromium": str(chromium),
            "every_s": every_s,
        }
    )


def _emit(result: JourneyResult) -> None:
    sys.stdout.write(json.dumps(result.to_dict()) + "\n")
    sys.stdout.flush()


def _stop_on_eof(stop: threading.Event) -> None:
    sys.stdin.read()
    stop.set()


def main() -> None:
    spec: dict[str, Any] = json.loads(sys.stdin.readline())
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the drill decides when probing ends
    threading.Thread(target=_stop_on_eof, args=(stop,), daemon=True).start()
    target = JourneyTarget(
        spec["base_url"],
        spec["username"],
        SecretStr(spec["password"]),
        JourneyPack.model_validate(spec["pack"]),
        {name: SecretStr(value) for name, value in spec["secrets"].items()},
    )
    replay(
        spec["journeys"],
        target,
        Path(spec["chromium"]),
        every_s=spec["every_s"],
        stop=stop,
        on_result=_emit,
    )


if __name__ == "__main__":
    main()
