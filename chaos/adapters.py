"""The platform adapter a target names (`platform.kind`), and what it can do."""

from __future__ import annotations

from chaos.platform import Platform
from harness.configfile import SourceMap
from harness.drill import Drill
from harness.target import DockerPlatform as DockerConfig
from harness.target import KubernetesPlatform as KubernetesConfig


def adapter_class(config: DockerConfig | KubernetesConfig) -> type[Platform]:
    """The adapter for a target's platform, without connecting to it."""
    if isinstance(config, DockerConfig):
        from chaos.docker_platform import DockerPlatform

        return DockerPlatform
    from chaos.kubernetes_platform import KubernetesPlatform

    return KubernetesPlatform


def open_platform(config: DockerConfig | KubernetesConfig) -> Platform:
    """Connect to the target's platform (close it after use, e.g. `contextlib.closing`).
    A Kubernetes context outside `allowed_contexts` is refused before any call."""
    adapter: type[Platform] = adapter_class(config)
    return adapter(config)  # type: ignore[call-arg]


def check_capabilities(
    drill: Drill, source: SourceMap, config: DockerConfig | KubernetesConfig
) -> None:
    """Refuse (ConfigError at the drill's `fault.kind` line) a fault the target's
    platform cannot do, before anything is touched."""
    adapter = adapter_class(config)
    able = adapter.capabilities_for(config)
    needs = dict.fromkeys(c for fault in drill.fault.parts() for c in fault.needs)
    missing = [c for c in needs if c not in able]
    if missing:
        can = ", ".join(sorted(able)) or "nothing"
        raise source.error(
            ("fault", "kind"),
            f"fault {drill.fault.kind} needs {', '.join(missing)}, which the {adapter.name} "
            f"platform cannot do (it can: {can})",
        )
