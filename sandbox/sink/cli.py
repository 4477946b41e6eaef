"""`pagerdrill sink` (also `python -m sandbox.sink`): the webhook capture as a
component of its own. A team adds it as an extra `continue: true` receiver branch in
a drill environment's Alertmanager; pagerdrill then reads back what each receiver
was sent (the `received` evidence tier) without a real PagerDuty or Slack.

    pagerdrill sink [--port 8080] [--max-records 10000] [--retention 24h] [--escalation FILE]
                  [--status-page ID]

`--escalation` names the PagerDuty services' escalation policies
(sandbox/sink/escalation.py), read again when it changes; without it incidents
notify nobody.

Tokens from the environment, never from the command line (it shows in `ps`):
SINK_TOKEN (reads: `GET /notifications`, the PagerDuty and Slack read APIs) and
SINK_WRITE_TOKEN (writes, when set; Alertmanager sends it with
`http_config.authorization`). SINK_TOKEN_FILE / SINK_WRITE_TOKEN_FILE name files
instead."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sandbox.sink.records import parse_seconds


def _duration(text: str) -> float:
    try:
        seconds = parse_seconds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    if seconds <= 0:
        raise argparse.ArgumentTypeError("a retention must be positive")
    return seconds


def _token(name: str) -> str | None:
    if os.environ.get(name):
        return os.environ[name]
    file = os.environ.get(f"{name}_FILE")
    return Path(file).read_text().strip() if file else None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SINK_HTTP_PORT", "8080")))
    parser.add_argument(
        "--max-records", type=int, default=10_000, help="per store; the oldest go first"
    )
    parser.add_argument(
        "--retention", type=_duration, default=86_400.0, help="drop records older (24h)"
    )
    parser.add_argument(
        "--escalation", type=Path, help="escalation policies of the PagerDuty services (YAML)"
    )
    parser.add_argument("--status-page", default="sandbox", help="the status page's ID")


def serve(args: argparse.Namespace) -> int:
    # imported here: `pagerdrill` registers this command before pytest starts, and
    # importing the web stack then would keep pytest from rewriting its plugins
    import uvicorn

    from sandbox.sink.escalation import PolicyFile
    from sandbox.sink.http import SinkConfig, create_app
    from sandbox.sink.records import Limits

    if args.max_records < 1:
        raise SystemExit("--max-records must be at least 1")
    config = SinkConfig(
        Limits(args.max_records, args.retention),
        _token("SINK_TOKEN"),
        _token("SINK_WRITE_TOKEN"),
        PolicyFile(args.escalation) if args.escalation else dict,
        args.status_page,
    )
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="warning")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `pagerdrill sink` command (entry point group `pagerdrill.commands`)."""
    parser = subparsers.add_parser("sink", help="run the webhook capture (see README)")
    add_arguments(parser)
    parser.set_defaults(handler=serve)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.sink")
    add_arguments(parser)
    raise SystemExit(serve(parser.parse_args()))
