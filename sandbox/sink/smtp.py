"""SMTP side of the sink: Alertmanager's email notifications.

The receiver is the local part of each recipient address; alert name, priority
and status come from the ``X-Alertname``/``X-Priority``/``X-Status`` headers the
sandbox's Alertmanager templates set.
"""

from __future__ import annotations

from email import message_from_bytes

from aiosmtpd.controller import Controller

from sandbox.sink.records import NotificationLog, Status


class EmailHandler:
    def __init__(self, log: NotificationLog) -> None:
        self.log = log

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        content: bytes = envelope.original_content or envelope.content  # type: ignore[attr-defined]
        message = message_from_bytes(content)
        status: Status = "resolved" if message.get("X-Status", "") == "resolved" else "firing"
        for recipient in envelope.rcpt_tos:  # type: ignore[attr-defined]
            receiver = str(recipient).split("@", 1)[0]
            self.log.add(
                receiver,
                "email",
                message.get("X-Alertname", ""),
                message.get("X-Priority", ""),
                status,
            )
        return "250 Message accepted for delivery"


def start_smtp(log: NotificationLog, port: int) -> Controller:
    controller = Controller(EmailHandler(log), hostname="0.0.0.0", port=port)
    controller.start()
    return controller
