"""What a journey needs to run against one platform."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import SecretStr

from harness.journey_pack import JourneyPack
from harness.settings import Settings


@dataclass(frozen=True)
class JourneyTarget:
    base_url: str
    username: str
    password: SecretStr
    pack: JourneyPack
    secrets: Mapping[str, SecretStr] = field(default_factory=dict)
    """The pack's secrets, resolved (by the settings)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> JourneyTarget:
        app = settings.target.app
        return cls(
            app.base_url,
            app.credentials.username,
            settings.password,
            settings.journey_pack,
            settings.journey_secrets,
        )
