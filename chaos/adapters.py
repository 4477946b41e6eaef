"""The platform adapter a target names (`platform.kind`)."""

from __future__ import annotations

from chaos.platform import Platform
from harness.target import DockerPlatform as DockerConfig
from harness.target import KubernetesPlatform as KubernetesConfig


def open_platform(config: DockerConfig | KubernetesConfig) -> Platform:
    """Connect to the target's platform (close it after use, e.g. `contextlib.closing`).
    A Kubernetes context outside `allowed_contexts` is refused before any call."""
    if isinstance(config, DockerConfig):
        from chaos.docker_platform import DockerPlatform

        return DockerPlatform(config)
    from chaos.kubernetes_platform import KubernetesPlatform

    return KubernetesPlatform(config)
