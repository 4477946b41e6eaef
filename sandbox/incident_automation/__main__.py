"""``python -m sandbox.incident_automation``: HTTP on ``AUTOMATION_PORT`` (8080). Slack
from ``SLACK_API_URL`` and ``SLACK_TOKEN``; the status page from ``STATUSPAGE_API_URL``,
``STATUSPAGE_PAGE_ID``, ``STATUSPAGE_TOKEN`` and ``STATUSPAGE_COMPONENT``."""

from __future__ import annotations

import os

import uvicorn

from sandbox.incident_automation.app import Tools, create_app


def main() -> None:
    tools = Tools(
        slack_url=os.environ["SLACK_API_URL"].rstrip("/"),
        slack_token=os.environ["SLACK_TOKEN"],
        statuspage_url=os.environ["STATUSPAGE_API_URL"].rstrip("/"),
        page_id=os.environ["STATUSPAGE_PAGE_ID"],
        statuspage_token=os.environ["STATUSPAGE_TOKEN"],
        component=os.environ["STATUSPAGE_COMPONENT"],
    )
    uvicorn.run(
        create_app(tools),
        host="0.0.0.0",
        port=int(os.environ.get("AUTOMATION_PORT", "8080")),
        log_level="warning",
    )


if __name__ == "__main__":
    main()
