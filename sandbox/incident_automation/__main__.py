"""``python -m sandbox.incident_automation``: HTTP on ``AUTOMATION_PORT`` (8080). Slack
from ``SLACK_API_URL`` and ``SLACK_TOKEN``; the status page from ``STATUSPAGE_API_URL``,
``STATUSPAGE_PAGE_ID``, ``STATUSPAGE_TOKEN`` and ``STATUSPAGE_COMPONENT``."""

from __future__ import annotations

import os

from sandbox.incident_automation.app import Tools, create_app
from sandbox.webhook_service import serve


def main() -> None:
    tools = Tools(
        slack_url=os.environ["SLACK_API_URL"].rstrip("/"),
        slack_token=os.environ["SLACK_TOKEN"],
        statuspage_url=os.environ["STATUSPAGE_API_URL"].rstrip("/"),
        page_id=os.environ["STATUSPAGE_PAGE_ID"],
        statuspage_token=os.environ["STATUSPAGE_TOKEN"],
        component=os.environ["STATUSPAGE_COMPONENT"],
    )
    serve(create_app(tools), "AUTOMATION_PORT")


if __name__ == "__main__":
    main()
