"""``python -m sandbox.sink``: HTTP on 8080 and SMTP on 2525.

Ports from ``SINK_HTTP_PORT`` and ``SINK_SMTP_PORT``."""

from __future__ import annotations

import os

import uvicorn

from sandbox.sink.http import create_app
from sandbox.sink.records import NotificationLog
from sandbox.sink.smtp import start_smtp


def main() -> None:
    log = NotificationLog()
    smtp = start_smtp(log, int(os.environ.get("SINK_SMTP_PORT", "2525")))
    try:
        uvicorn.run(
            create_app(log),
            host="0.0.0.0",
            port=int(os.environ.get("SINK_HTTP_PORT", "8080")),
            log_level="warning",
        )
    finally:
        smtp.stop()


if __name__ == "__main__":
    main()
