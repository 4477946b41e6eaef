"""Journey packs: where the journeys click on one platform (paths and Playwright
selectors), so the same journeys run against the sandbox or another IDP.

The sandbox's pack is `journeys/packs/reference-idp.yaml`; a target names its own
with `app.journey_pack`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from harness.configfile import load_model
from harness.types import Frozen, Seconds

# The reference IDP's pack is journeys' data; its model lives here with the other
# config files' models so that settings validate it before anything is touched.
REFERENCE_PACK = Path(__file__).resolve().parents[1] / "journeys" / "packs" / "reference-idp.yaml"


class LoginSelectors(Frozen):
    path: str = Field(pattern=r"^/")
    form: str
    username: str
    password: str
    submit: str
    signed_in: str
    rejected: str


class TemplateCreationSelectors(Frozen):
    catalog_path: str = Field(pattern=r"^/")
    template: str
    open_template: str
    name: str
    owner: str
    parameters: dict[str, str] = Field(default_factory=dict)
    submit: str
    created: str
    rejected: str
    catalog_entry: str
    name_prefix: str = Field(default="pd-synthetic-", pattern=r"^[a-z][a-z0-9-]*$")


class ServiceDeploymentSelectors(Frozen):
    deploy: str
    status: str
    succeeded: list[str] = Field(min_length=1)
    failed: list[str] = Field(default_factory=list)
    health: str
    healthy: list[str] = Field(min_length=1)
    rollout_timeout: Seconds = 30.0


class JourneyPack(Frozen):
    name: str
    step_timeout: Seconds = 5.0
    login: LoginSelectors
    template_creation: TemplateCreationSelectors
    service_deployment: ServiceDeploymentSelectors

    @property
    def step_timeout_ms(self) -> float:
        return self.step_timeout * 1000


def load_pack(path: Path = REFERENCE_PACK) -> JourneyPack:
    """Validate a pack file; problems are `ConfigError`s naming file, line and field."""
    pack, _ = load_model(path, JourneyPack)
    return pack
