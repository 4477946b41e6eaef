"""The Kubernetes sandbox's rendered objects and configs, without a cluster (the
cluster itself: tests/integration/test_kubernetes_sandbox.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from harness.configfile import load_model
from harness.target import TargetConfig
from sandbox.common import Secrets
from sandbox.kubernetes.components import components
from sandbox.kubernetes.compose import SERVICES, _not_ready, monitoring_configmap, render
from sandbox.kubernetes.configs import kube_proxy_config, kubelet_config
from sandbox.kubernetes.discovery import targets
from sandbox.kubernetes.layout import Layout
from sandbox.kubernetes.patroni import kubernetes_config
from sandbox.kubernetes.variants import KUBERNETES_VARIANTS
from sandbox.monitoring_config import MonitoringConfig

REPO = Path(__file__).resolve().parents[2]


def _objects(tmp_path: Path) -> list[dict[str, Any]]:
    return list(yaml.safe_load_all(render(Secrets(tmp_path))))


def _deployments(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Deployments and StatefulSets by name."""
    kinds = ("Deployment", "StatefulSet")
    return {o["metadata"]["name"]: o for o in objects if o["kind"] in kinds}


def test_every_service_has_its_workload_and_every_pod_resolves_every_name(
    tmp_path: Path,
) -> None:
    deployments = _deployments(_objects(tmp_path))
    assert set(deployments) == {s.app or n for n, s in SERVICES.items()}
    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]["spec"]
        aliases = {h["hostnames"][0]: h["ip"] for h in pod["hostAliases"]}
        assert aliases == {n: s.ip for n, s in SERVICES.items()}, name
        assert pod["containers"][0]["imagePullPolicy"] == "Never"


def test_the_app_has_probes_requests_an_hpa_and_a_pdb_and_no_secret_in_plain_env(
    tmp_path: Path,
) -> None:
    objects = _objects(tmp_path)
    idp = _deployments(objects)["idp"]["spec"]["template"]
    container = idp["spec"]["containers"][0]
    assert idp["metadata"]["labels"]["pagerdrill.io/drillable"] == "true"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["resources"]["requests"]["cpu"]
    assert container["command"][:2] == ["tini", "--"]
    kinds = {o["kind"]: o for o in objects}
    assert kinds["HorizontalPodAutoscaler"]["spec"]["maxReplicas"] > 1
    assert kinds["PodDisruptionBudget"]["spec"]["selector"] == {"matchLabels": {"app": "idp"}}
    secrets = Secrets(tmp_path)
    literal = yaml.safe_dump([c for d in _deployments(objects).values()
                              for c in d["spec"]["template"]["spec"]["containers"]])  # fmt: skip
    for name in ("database-password", "idp-password", "admin-token", "sms-token"):
        assert secrets.secret(name) not in literal, name


def test_the_database_is_patroni_on_the_kubernetes_api_and_its_service_selects_the_primary(
    tmp_path: Path,
) -> None:
    objects = _objects(tmp_path)
    postgres = _deployments(objects)["postgres"]
    assert (postgres["kind"], postgres["spec"]["replicas"]) == ("StatefulSet", 2)
    pod = postgres["spec"]["template"]
    assert pod["metadata"]["annotations"]["pagerdrill.io/job"] == "patroni"
    # Patroni lists its members by its labels and cluster-name=<scope>
    shared = yaml.safe_load((REPO / "sandbox" / "database" / "patroni.yml").read_text())
    assert pod["metadata"]["labels"]["cluster-name"] == shared["scope"]
    assert pod["spec"]["serviceAccountName"] == "patroni"
    env = {e["name"]: e for e in pod["spec"]["containers"][0]["env"]}
    assert env["PATRONI_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"
    assert "secretKeyRef" in env["PATRONI_SUPERUSER_PASSWORD"]["valueFrom"]
    names = list(env)  # a $(VAR) reference needs VAR defined before it
    assert names.index("PATRONI_KUBERNETES_POD_IP") < names.index("PATRONI_RESTAPI_CONNECT_ADDRESS")
    service = next(
        o for o in objects if o["kind"] == "Service" and o["metadata"]["name"] == "postgres"
    )
    assert service["spec"]["selector"] == {"app": "postgres", "role": "primary"}
    role = next(o for o in objects if o["kind"] == "Role" and o["metadata"]["name"] == "patroni")
    granted = {r: set(rule["verbs"]) for rule in role["rules"] for r in rule["resources"]}
    assert {"create", "patch", "watch"} <= granted["configmaps"]  # the leader lock
    assert "patch" in granted["pods"]  # the role labels


def test_patroni_keeps_the_shared_settings_with_kubernetes_as_its_dcs() -> None:
    shared = yaml.safe_load((REPO / "sandbox" / "database" / "patroni.yml").read_text())
    config = kubernetes_config(shared)
    assert "etcd3" not in config
    assert "namespace" not in config  # else Patroni's Kubernetes namespace
    assert config["kubernetes"]["labels"] == {"app": "postgres"}
    assert config["kubernetes"]["leader_label_value"] == "primary"
    assert config["bootstrap"] == shared["bootstrap"]  # synchronous mode, ttl, post_bootstrap


def test_every_node_port_is_fixed_unique_and_in_range(tmp_path: Path) -> None:
    """One left to the API server is drawn at random and can take a fixed one: `up`
    once failed on mailpit's SMTP port drawing Alertmanager's 30093."""
    services = [o for o in _objects(tmp_path) if o["kind"] == "Service"]
    node_port_services = [s for s in services if s["spec"]["type"] == "NodePort"]
    ports = [p.get("nodePort") for s in node_port_services for p in s["spec"]["ports"]]
    assert None not in ports
    assert len(ports) == len(set(ports))
    assert all(30000 <= p <= 32767 for p in ports)


def test_monitoring_configmap_holds_the_shared_rules_and_kubernetes_discovery() -> None:
    config = MonitoringConfig.load()
    data = yaml.safe_load(monitoring_configmap(config))["data"]
    assert {f"rules-{name}" for name in config.rule_files} <= set(data)
    prometheus = yaml.safe_load(data["prometheus.yml"])
    assert prometheus["rule_files"] == ["/etc/pagerdrill/rules-*.yml"]
    assert prometheus["scrape_configs"][0]["http_sd_configs"][0]["url"].endswith("/targets")
    assert yaml.safe_load(data["alertmanager.yml"]) == config.alertmanager


def test_components_read_only_files_of_the_layout() -> None:
    layout = Layout()
    for component in components(layout):
        for argument in component.argv[1:]:
            value = argument.split("=", 1)[-1]
            if value.startswith("/") and not value.startswith(("/usr/", "/etc/")):
                assert value.startswith((str(layout.state), str(layout.bin))), argument
    kubelet = yaml.safe_load(kubelet_config(layout))
    assert kubelet["cgroupDriver"] == "cgroupfs"
    assert kubelet["imageGCHighThresholdPercent"] == 100
    assert yaml.safe_load(kube_proxy_config(layout))["mode"] == "iptables"


def test_the_kubernetes_target_file_is_valid() -> None:
    target, _ = load_model(REPO / "targets" / "sandbox-kubernetes.yaml", TargetConfig)
    assert target.platform.kind == "kubernetes"
    assert Layout().node_ip in target.app.base_url


def _pod(
    name: str, phase: str = "Running", scrape: str | None = "8000", ready: bool = True, **meta: Any
) -> Any:
    annotations = {} if scrape is None else {"pagerdrill.io/scrape": scrape}
    return {
        "metadata": {"name": name, "labels": {"app": "idp"}, "annotations": annotations, **meta},
        "status": {
            "phase": phase,
            "podIP": f"10.244.0.{len(name)}",
            "conditions": [{"type": "Ready", "status": str(ready)}],
        },
    }


def test_discovery_serves_running_annotated_pods_by_their_app() -> None:
    groups = targets(
        [
            _pod("idp-a"),
            _pod("idp-pending", phase="Pending"),
            _pod("idp-no-scrape", scrape=None),
            _pod("idp-leaving", deletionTimestamp="2026-12-02T00:00:00Z"),
        ],
        set(),
    )
    assert groups == [
        {"targets": ["10.244.0.5:8000"], "labels": {"job": "idp", "service": "idp", "pod": "idp-a"}}
    ]
    patroni = _pod("postgres-0", scrape="8008")
    patroni["metadata"]["annotations"]["pagerdrill.io/job"] = "patroni"
    assert targets([patroni], set())[0]["labels"]["job"] == "patroni"


def test_discovery_serves_a_pod_once_it_was_ready_and_then_ready_or_not() -> None:
    """A starting pod is Running before it listens (its failed scrape would page); a
    serving pod that stops answering must stay scraped, so its outage shows."""
    seen: set[str] = set()
    assert targets([_pod("idp-new", ready=False, uid="u1")], seen) == []
    assert [g["labels"]["pod"] for g in targets([_pod("idp-new", uid="u1")], seen)] == ["idp-new"]
    hung = targets([_pod("idp-new", ready=False, uid="u1")], seen)
    assert [g["labels"]["pod"] for g in hung] == ["idp-new"]
    # the same name again (a StatefulSet's pod recreated) is a new pod
    assert targets([_pod("idp-new", ready=False, uid="u2")], seen) == []
    assert seen == set()


def test_the_app_setting_variants_change_the_apps_environment(tmp_path: Path) -> None:
    for name, variable in (
        ("no-brute-force-blocking", "IDP_BRUTE_FORCE_MAX_FAILURES"),
        ("circuit-breakers-off", "IDP_CIRCUIT_BREAKER_FAILURES"),
    ):
        changed = KUBERNETES_VARIANTS[name].objects(_objects(tmp_path))
        env = _deployments(changed)["idp"]["spec"]["template"]["spec"]["containers"][0]["env"]
        assert [e["value"] for e in env if e["name"] == variable] == ["0"], name


def test_a_terminating_pod_keeps_the_sandbox_from_being_ready() -> None:
    owned = {"name": "idp-1", "ownerReferences": [{"kind": "ReplicaSet"}]}
    running = {"kind": "Pod", "metadata": owned, "status": {"phase": "Running"}}
    going = {"kind": "Pod", "metadata": {**owned, "deletionTimestamp": "2026-12-05T00:15:40Z"}}
    assert _not_ready(running) is None  # counted by its Deployment
    assert _not_ready(going) == "pod idp-1: terminating"
