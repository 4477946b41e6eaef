"""`pagerdrill probe`: scheduled synthetic monitoring outside CI. Runs the journeys
against a target every `--every`, prints one line per attempt and pushes the
journey SLIs after each; SIGTERM or Ctrl-C stops it after the current journey."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from pathlib import Path
from typing import Any

from harness.errors import ConfigError, InfrastructureError
from harness.settings import load_settings
from harness.types import parse_duration
from journeys.result import JourneyResult
from journeys.schedule import replay
from journeys.sli import JourneySlis
from journeys.target import JourneyTarget

log = logging.getLogger("pagerdrill.probe")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "probe", help="run the journeys on a schedule and push their SLIs (synthetic monitoring)"
    )
    parser.add_argument("--target", type=Path, help="target file (default: targets/sandbox.yaml)")
    parser.add_argument(
        "--every", type=parse_duration, default=60.0, help="time between rounds (default: 60s)"
    )
    parser.add_argument(
        "--journey",
        action="append",
        dest="journeys",
        help="a journey of the target's pack to run (repeatable; default: all of them)",
    )
    parser.add_argument(
        "--rounds", type=int, help="stop after N rounds; exit 1 if the last round had a failure"
    )
    parser.set_defaults(handler=_probe)


def describe(result: JourneyResult) -> str:
    failed = result.failed_step
    if failed is None:
        return f"{result.journey}: ok in {result.duration_s:.2f} s"
    return (
        f"{result.journey}: FAILED at {failed.name!r} after {result.duration_s:.2f} s: "
        f"{failed.error}"
    )


def _probe(args: argparse.Namespace) -> int:
    settings = load_settings(args.target)
    known = settings.journey_pack.journeys
    journeys = args.journeys or list(known)
    unknown = sorted(set(journeys) - set(known))
    if unknown:
        raise ConfigError(
            settings.target_path,
            None,
            "app.journey_pack",
            f"the pack has no journey {', '.join(unknown)}; it has: {', '.join(known)}",
        )
    slis = JourneySlis(settings.target.environment, settings.run_id)
    pushgateway = settings.target.pushgateway
    last_round: dict[str, bool] = {}
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    def on_result(result: JourneyResult) -> None:
        print(describe(result), flush=True)
        last_round[result.journey] = result.ok
        slis.observe(result)
        if pushgateway is not None:
            try:
                slis.push(pushgateway.url)
            except InfrastructureError as exc:  # monitoring goes on; the next push may work
                log.warning("%s", exc)

    print(
        f"probe: {', '.join(journeys)} every {args.every:g} s against "
        f"{settings.target.app.base_url} (run id {settings.run_id})",
        flush=True,
    )
    rounds = replay(
        journeys,
        JourneyTarget.from_settings(settings),
        settings.chromium,
        every_s=args.every,
        stop=stop,
        on_result=on_result,
        rounds=args.rounds,
    )
    print(f"probe: stopped after {rounds} rounds", flush=True)
    if args.rounds is not None and not all(last_round.values()):
        return 1
    return 0
