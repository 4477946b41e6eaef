"""The one settings object: built once from the target file, the environment and
the command line, then passed down. The only module that reads the environment."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr

from harness.configfile import load_model
from harness.contract import Contract, load_contract
from harness.errors import ConfigError
from harness.journey_pack import REFERENCE_PACK, JourneyPack, load_pack_source
from harness.target import Credentials, TargetConfig
from harness.types import SecretSource

DEFAULT_TARGET = Path("targets/sandbox.yaml")
DEFAULT_CHROMIUM = Path("/usr/bin/chromium")
SHIPPED = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    target: TargetConfig
    target_path: Path
    password: SecretStr
    output_dir: Path
    state_dir: Path
    chromium: Path
    run_id: str
    history_dir: Path
    journey_pack: JourneyPack
    journey_secrets: dict[str, SecretStr]
    admin_token: SecretStr | None = None
    contract: Contract | None = None
    verbose: bool = False
    data_probe_password: SecretStr | None = None
    receiver_secrets: Mapping[str, SecretStr] = field(default_factory=dict)
    """Receiver name -> the token (or mail API password) of its reader; the
    notification sink's under `notification_sink`, the war room's and the status
    page's under `war_room` and `status_page`."""

    @property
    def journal_path(self) -> Path:
        return self.state_dir / "fault-journal.jsonl"


def _reader_secrets(target: TargetConfig) -> dict[tuple[str, ...], SecretSource | None]:
    """Where each reader's secret is, by its place in the target file."""
    sources: dict[tuple[str, ...], SecretSource | None] = {
        ("receivers", name): getattr(r, "token", None) or getattr(r, "password", None)
        for name, r in target.receivers.items()
    }
    for place, tool in (
        ("notification_sink", target.notification_sink),
        ("war_room", target.war_room),
        ("status_page", target.status_page),
    ):
        if tool is not None:
            sources[(place,)] = tool.token
    return sources


def load_settings(
    target_path: Path | None = None,
    output_dir: Path | None = None,
    verbose: bool = False,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Validate the target file and resolve everything a run needs::

        settings = load_settings(Path("targets/sandbox.yaml"))

    Environment: PAGERDRILL_TARGET, PAGERDRILL_OUTPUT_DIR, PAGERDRILL_STATE_DIR,
    PAGERDRILL_CHROMIUM, PAGERDRILL_RUN_ID, PAGERDRILL_HISTORY_DIR, and the password
    variable the target names.
    """
    env = os.environ if environ is None else environ
    path = Path(target_path or env.get("PAGERDRILL_TARGET") or DEFAULT_TARGET)
    target, source = load_model(path, TargetConfig)
    try:
        password = _resolve_password(target.app.credentials, path.parent, env)
    except ValueError as exc:
        raise source.error(("app", "credentials"), str(exc)) from exc
    admin_token = None
    if target.app.admin_token is not None:
        try:
            admin_token = _resolve_secret(target.app.admin_token, path.parent, env)
        except ValueError as exc:
            raise source.error(("app", "admin_token"), str(exc)) from exc
    data_probe_password = None
    if target.data_probe is not None and target.data_probe.password is not None:
        try:
            data_probe_password = _resolve_secret(target.data_probe.password, path.parent, env)
        except ValueError as exc:
            raise source.error(("data_probe", "password"), str(exc)) from exc
    receiver_secrets = {}
    sources = _reader_secrets(target)
    for place, secret in sources.items():
        if secret is None:
            continue
        try:
            receiver_secrets[place[-1]] = _resolve_secret(secret, path.parent, env)
        except ValueError as exc:
            raise source.error(place, str(exc)) from exc
    contract = None
    if target.contract is not None:
        contract, _ = load_contract(_beside_or_shipped(target.contract, path.parent))
    pack_path = target.app.journey_pack or REFERENCE_PACK
    pack_file = pack_path if pack_path.is_absolute() else path.parent / pack_path
    journey_pack, pack_source = load_pack_source(pack_file)
    journey_secrets = {}
    for name, secret in journey_pack.secrets.items():
        try:
            journey_secrets[name] = _resolve_secret(secret, pack_file.parent, env)
        except ValueError as exc:
            raise pack_source.error(("secrets", name), str(exc)) from exc
    chromium = Path(env.get("PAGERDRILL_CHROMIUM", str(DEFAULT_CHROMIUM)))
    output = Path(output_dir or env.get("PAGERDRILL_OUTPUT_DIR") or "out")
    return Settings(
        target=target,
        target_path=path,
        password=password,
        output_dir=output,
        state_dir=Path(env.get("PAGERDRILL_STATE_DIR", "/var/tmp/pagerdrill")),
        chromium=chromium,
        run_id=env.get("PAGERDRILL_RUN_ID") or _new_run_id(),
        history_dir=Path(env.get("PAGERDRILL_HISTORY_DIR") or output / "history"),
        journey_pack=journey_pack,
        journey_secrets=journey_secrets,
        admin_token=admin_token,
        contract=contract,
        verbose=verbose,
        data_probe_password=data_probe_password,
        receiver_secrets=receiver_secrets,
    )


def _resolve_password(credentials: Credentials, base: Path, env: Mapping[str, str]) -> SecretStr:
    source = SecretSource(
        env=credentials.password_env, file=credentials.password_file, value=credentials.password
    )
    return _resolve_secret(source, base, env, what="password_")


def _resolve_secret(
    source: SecretSource, base: Path, env: Mapping[str, str], what: str = ""
) -> SecretStr:
    if source.value is not None:
        return source.value
    if source.env is not None:
        if source.env not in env:
            raise ValueError(f"environment variable {source.env} is not set")
        return SecretStr(env[source.env])
    assert source.file is not None  # the model guarantees one source
    file = source.file if source.file.is_absolute() else base / source.file
    try:
        return SecretStr(file.read_text().strip())
    except OSError as exc:
        raise ValueError(f"cannot read {what}file {file}: {exc.strerror}") from exc


def _beside_or_shipped(file: Path, base: Path) -> Path:
    """`file` relative to the target file's folder, else one shipped with pagerdrill
    (`contracts/sandbox.contract.yaml`)."""
    if file.is_absolute() or (base / file).exists():
        return base / file
    shipped = SHIPPED / file
    return shipped if shipped.exists() else base / file


def _new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + secrets.token_hex(3)


__all__ = ["DEFAULT_TARGET", "ConfigError", "Settings", "load_settings"]
