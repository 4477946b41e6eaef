"""``python -m sandbox.sms_relay``: HTTP on ``SMS_RELAY_PORT`` (8080). The provider from
``SMS_API_URL``, ``SMS_ACCOUNT``, ``SMS_TOKEN``, ``SMS_FROM`` and ``SMS_TO``."""

from __future__ import annotations

import os

from sandbox.sms_relay.app import SmsProvider, create_app
from sandbox.webhook_service import serve


def main() -> None:
    provider = SmsProvider(
        api_url=os.environ["SMS_API_URL"].rstrip("/"),
        account=os.environ["SMS_ACCOUNT"],
        token=os.environ["SMS_TOKEN"],
        sender=os.environ["SMS_FROM"],
        recipient=os.environ["SMS_TO"],
    )
    serve(create_app(provider), "SMS_RELAY_PORT")


if __name__ == "__main__":
    main()
