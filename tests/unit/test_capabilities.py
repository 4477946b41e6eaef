"""Platform capabilities: each adapter implements what it declares, and a drill whose
fault needs a capability the target's platform lacks is refused before anything is
touched (a config error at the drill's `fault.kind` line; `pagerdrill run` exits 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from chaos.adapters import check_capabilities
from chaos.docker_platform import DockerPlatform
from chaos.faults import CATALOGUE
from chaos.kubernetes_platform import KubernetesPlatform
from chaos.platform import PROTOCOLS, Platform
from harness.capabilities import Capability
from harness.drill import load_drill
from harness.errors import ConfigError
from harness.target import DockerPlatform as DockerConfig
from harness.target import DockerWorkload, KubernetesWorkload
from harness.target import KubernetesPlatform as KubernetesConfig

REPO = Path(__file__).resolve().parents[2]
PAUSE_DRILL = """name: frozen
fault:
  kind: pause
  workload: idp
expect: {}
"""
SCALE_DRILL = PAUSE_DRILL.replace("kind: pause", "kind: scale\n  replicas: 0").replace(
    "frozen", "scaled-to-zero"
)


def _members(protocol: type) -> set[str]:
    return {
        name
        for klass in protocol.__mro__
        if klass not in (Platform, object) and getattr(klass, "_is_protocol", False)
        for name, value in vars(klass).items()
        if callable(value) and not name.startswith("_")
    }


@pytest.mark.parametrize("adapter", [DockerPlatform, KubernetesPlatform])
def test_every_declared_capability_is_implemented(adapter: type[Platform]) -> None:
    for capability in adapter.capabilities:
        missing = {m for m in _members(PROTOCOLS[capability]) if not hasattr(adapter, m)}
        assert not missing, f"{adapter.name} declares {capability} but lacks {missing}"
    assert _members(Platform) <= set(dir(adapter))


def test_every_capability_has_a_protocol_and_every_fault_kind_an_implementation() -> None:
    assert set(PROTOCOLS) == set(Capability)
    for kind, registered in CATALOGUE.items():
        assert set(registered.spec.needs) <= set(Capability), kind


def _docker() -> DockerConfig:
    return DockerConfig(kind="docker", workloads={"idp": DockerWorkload(container="idp")})


def _kubernetes() -> KubernetesConfig:
    return KubernetesConfig(
        kind="kubernetes",
        context="staging",
        allowed_contexts=["staging"],
        namespace="idp",
        allowed_namespaces=["idp"],
        workloads={"idp": KubernetesWorkload(selector="app=idp", deployment="idp")},
    )


LOSS_DRILL = PAUSE_DRILL.replace("kind: pause", "kind: network-loss\n  percent: 10")


def test_kubernetes_network_faults_need_chaos_mesh_or_the_node(tmp_path: Path) -> None:
    path = tmp_path / "x.drill.yaml"
    path.write_text(LOSS_DRILL)
    drill, source = load_drill(path)
    with pytest.raises(ConfigError, match="needs network-shaping, which the kubernetes"):
        check_capabilities(drill, source, _kubernetes())
    check_capabilities(drill, source, _kubernetes().model_copy(update={"chaos_mesh": True}))
    check_capabilities(drill, source, _kubernetes().model_copy(update={"node_access": True}))
    # stress runs through exec: no Chaos Mesh needed
    assert Capability.RESOURCE_STRESS in KubernetesPlatform.capabilities_for(_kubernetes())


@pytest.mark.parametrize(
    ("text", "config", "words"),
    [
        (PAUSE_DRILL, _kubernetes(), "fault pause needs freeze, which the kubernetes platform"),
        (SCALE_DRILL, _docker(), "fault scale needs orchestrator, which the docker platform"),
    ],
    ids=["pause-on-kubernetes", "scale-on-docker"],
)
def test_a_fault_the_platform_cannot_do_is_refused_at_its_line(
    tmp_path: Path, text: str, config: DockerConfig | KubernetesConfig, words: str
) -> None:
    path = tmp_path / "x.drill.yaml"
    path.write_text(text)
    drill, source = load_drill(path)
    with pytest.raises(ConfigError) as caught:
        check_capabilities(drill, source, config)
    assert caught.value.field == "fault.kind"
    assert caught.value.line == 3
    assert words in str(caught.value)
    check_capabilities(*load_drill(REPO / "drills" / "app-crash.drill.yaml"), config)


def test_pagerdrill_run_exits_2_on_a_fault_the_sandbox_platform_cannot_do(
    tmp_path: Path,
) -> None:
    """Docker has no orchestrator: a scale drill against the sandbox target is refused
    at collection, before any platform or monitoring call (none is running here)."""
    drill = tmp_path / "scaled-to-zero.drill.yaml"
    drill.write_text(SCALE_DRILL)
    run = subprocess.run(
        [sys.executable, "-m", "pagerdrill", "run", str(drill), "--output", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert "scaled-to-zero.drill.yaml:3: fault.kind" in run.stdout + run.stderr
