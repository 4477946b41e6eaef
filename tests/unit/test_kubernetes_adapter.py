"""The Kubernetes adapter's own decisions, without a cluster: which pods a mode
picks, the max_targets and context guards, the Chaos Mesh resources it would
create, and the target file's checks. (Against a real API server: the compliance
checks in tests/integration, when PAGERDRILL_K8S_TARGET names a target.)"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from chaos.kubernetes_chaos_mesh import FAULT_LABEL, network_chaos, stress_chaos
from chaos.kubernetes_platform import KubernetesPlatform, choose
from harness.clients.kubernetes import check_context
from harness.configfile import load_model
from harness.errors import ConfigError, GuardRefused, InfrastructureError
from harness.target import KubernetesPlatform as KubernetesConfig
from harness.target import KubernetesWorkload

PODS = [f"idp-{i}" for i in (3, 1, 0, 2, 4, 5, 6, 7, 8, 9)]


@pytest.mark.parametrize(
    ("mode", "value", "max_targets", "chosen"),
    [
        ("one", 1, 1, ["idp-0"]),
        ("fixed", 3, 3, ["idp-0", "idp-1", "idp-2"]),
        ("percent", 20, 5, ["idp-0", "idp-1"]),
        ("percent", 1, 5, ["idp-0"]),  # at least one pod
        ("all", 1, 10, sorted(PODS)),
    ],
)
def test_mode_picks_pods_in_name_order(
    mode: str, value: int, max_targets: int, chosen: list[str]
) -> None:
    workload = KubernetesWorkload(selector="app=idp", mode=mode, value=value)  # type: ignore[arg-type]
    assert choose(PODS, workload, max_targets) == chosen


def test_more_pods_than_max_targets_is_refused() -> None:
    workload = KubernetesWorkload(selector="app=idp", mode="all")
    with pytest.raises(GuardRefused, match="more than max_targets 2"):
        choose(PODS, workload, 2)


def test_context_outside_the_allowlist_is_refused_before_any_call() -> None:
    with pytest.raises(GuardRefused, match="'prod' is not in allowed_contexts"):
        check_context(["prod", "staging"], "prod", ["staging"])
    with pytest.raises(InfrastructureError, match="no context 'staging'"):
        check_context(["prod"], "staging", ["staging"])


def _kubeconfig(tmp_path: Path, contexts: list[str]) -> Path:
    path = tmp_path / "kubeconfig"
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:1"}}],
                "users": [{"name": "u", "user": {"token": "not-a-real-token"}}],
                "contexts": [
                    {"name": n, "context": {"cluster": "c", "user": "u"}} for n in contexts
                ],
                "current-context": contexts[0],
            }
        )
    )
    return path


def _config(kubeconfig: Path, context: str = "staging") -> KubernetesConfig:
    return KubernetesConfig(
        kind="kubernetes",
        kubeconfig=kubeconfig,
        context=context,
        allowed_contexts=[context],
        namespace="idp",
        allowed_namespaces=["idp"],
        workloads={"idp": KubernetesWorkload(selector="app=idp", deployment="idp")},
    )


def test_adapter_opens_only_an_allowed_context_of_the_kubeconfig(tmp_path: Path) -> None:
    platform = KubernetesPlatform(_config(_kubeconfig(tmp_path, ["staging", "prod"])))
    platform.close()  # no call was made: the server is unreachable on purpose
    with pytest.raises(InfrastructureError, match="no context 'staging'"):
        KubernetesPlatform(_config(_kubeconfig(tmp_path, ["prod"])))


def test_chaos_mesh_resources_target_exactly_the_chosen_pods() -> None:
    body = network_chaos(
        "pagerdrill-loss-idp", "idp", pods=["idp-0"], action="loss",
        spec={"loss": {"loss": "30"}}, max_s=300,
    )  # fmt: skip
    assert body["kind"] == "NetworkChaos"
    assert body["metadata"]["labels"] == {FAULT_LABEL: "pagerdrill-loss-idp"}
    assert body["spec"]["selector"] == {"pods": {"idp": ["idp-0"]}}
    assert body["spec"]["loss"] == {"loss": "30"}
    assert body["spec"]["duration"] == "300s"  # Chaos Mesh ends it even if pagerdrill dies
    stress = stress_chaos("m", "idp", pods=["idp-1"], resource="memory", amount=256, max_s=60)
    assert stress["spec"]["stressors"] == {"memory": {"workers": 1, "size": "256MB"}}


def test_target_file_refuses_a_context_it_does_not_allow(tmp_path: Path) -> None:
    target = tmp_path / "k8s.yaml"
    target.write_text(
        yaml.safe_dump(
            {
                "kind": "kubernetes",
                "context": "prod",
                "allowed_contexts": ["staging"],
                "namespace": "idp",
                "allowed_namespaces": ["idp"],
                "workloads": {"idp": {"selector": "app=idp"}},
            }
        )
    )
    with pytest.raises(ConfigError, match="context 'prod' is not in allowed_contexts"):
        load_model(target, KubernetesConfig)
