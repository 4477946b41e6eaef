"""What a journey needs to run against one platform."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

from harness.journey_pack import JourneyPack
from harness.settings import Settings


@dataclass(frozen=True)
class JourneyTarget:
    base_url: str
    username: str
    password: SecretStr
    pack: JourneyPack

    @classmethod
    def from_settings(cls, settings: Settings) -> JourneyTarget:
        app = settings.target.app
        return cls(app.base_url, app.credentials.username, settings.password, settings.journey_pack)
