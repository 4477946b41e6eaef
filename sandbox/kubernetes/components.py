"""The cluster's host processes, in start order, with the command line of each."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.kubernetes.layout import Layout


@dataclass(frozen=True)
class Component:
    name: str
    argv: list[str]
    ready_url: str | None = None
    """An HTTP(S) URL that answers 200 once the component is up (None: the process
    staying alive for a moment is enough)."""


def components(layout: Layout) -> list[Component]:
    b, pki, state = layout.bin, layout.pki, layout.state
    etcd_url = f"http://127.0.0.1:{layout.etcd_client_port}"
    ms_port = layout.metrics_server_port
    return [
        Component(
            "etcd",
            [
                str(b / "etcd"), "--name", "pagerdrill", "--data-dir", str(state / "etcd"),
                "--listen-client-urls", etcd_url, "--advertise-client-urls", etcd_url,
                "--listen-peer-urls", f"http://127.0.0.1:{layout.etcd_peer_port}",
                "--initial-advertise-peer-urls", f"http://127.0.0.1:{layout.etcd_peer_port}",
                "--initial-cluster", f"pagerdrill=http://127.0.0.1:{layout.etcd_peer_port}",
                "--listen-metrics-urls", "http://127.0.0.1:22381",
                "--quota-backend-bytes", str(2 * 1024**3), "--log-level", "warn",
            ],
            "http://127.0.0.1:22381/health",
        ),
        Component(
            "containerd",
            ["/usr/bin/containerd", "--config", str(state / "containerd.toml")],
        ),
        Component(
            "kube-apiserver",
            [
                str(b / "kube-apiserver"),
                f"--advertise-address={layout.node_ip}", f"--bind-address={layout.node_ip}",
                f"--secure-port={layout.apiserver_port}", f"--etcd-servers={etcd_url}",
                f"--service-cluster-ip-range={layout.service_cidr}",
                f"--client-ca-file={pki / 'ca.crt'}",
                f"--tls-cert-file={pki / 'apiserver.crt'}",
                f"--tls-private-key-file={pki / 'apiserver.key'}",
                f"--kubelet-client-certificate={pki / 'apiserver-kubelet-client.crt'}",
                f"--kubelet-client-key={pki / 'apiserver-kubelet-client.key'}",
                f"--kubelet-certificate-authority={pki / 'ca.crt'}",
                "--kubelet-preferred-address-types=InternalIP",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                f"--service-account-key-file={pki / 'sa.pub'}",
                f"--service-account-signing-key-file={pki / 'sa.key'}",
                "--authorization-mode=Node,RBAC",
                "--enable-admission-plugins=NodeRestriction",
                "--allow-privileged=true",
                f"--requestheader-client-ca-file={pki / 'front-proxy-ca.crt'}",
                "--requestheader-allowed-names=front-proxy-client",
                "--requestheader-extra-headers-prefix=X-Remote-Extra-",
                "--requestheader-group-headers=X-Remote-Group",
                "--requestheader-username-headers=X-Remote-User",
                f"--proxy-client-cert-file={pki / 'front-proxy-client.crt'}",
                f"--proxy-client-key-file={pki / 'front-proxy-client.key'}",
                "--enable-aggregator-routing=true",
                "--profiling=false",
            ],
            f"{layout.apiserver_url}/readyz",
        ),
        Component(
            "kube-controller-manager",
            [
                str(b / "kube-controller-manager"),
                f"--kubeconfig={layout.kubeconfig('controller-manager')}",
                f"--authentication-kubeconfig={layout.kubeconfig('controller-manager')}",
                f"--authorization-kubeconfig={layout.kubeconfig('controller-manager')}",
                "--bind-address=127.0.0.1", "--leader-elect=false",
                "--allocate-node-cidrs=true", f"--cluster-cidr={layout.pod_cidr}",
                "--node-cidr-mask-size=24", f"--service-cluster-ip-range={layout.service_cidr}",
                f"--cluster-signing-cert-file={pki / 'ca.crt'}",
                f"--cluster-signing-key-file={pki / 'ca.key'}",
                f"--root-ca-file={pki / 'ca.crt'}",
                f"--service-account-private-key-file={pki / 'sa.key'}",
                "--use-service-account-credentials=true",
                # drills finish in minutes: decide scaling often, scale in soon
                "--horizontal-pod-autoscaler-sync-period=5s",
                "--horizontal-pod-autoscaler-downscale-stabilization=20s",
                "--node-monitor-grace-period=20s",
                "--profiling=false",
            ],
        ),
        Component(
            "kube-scheduler",
            [
                str(b / "kube-scheduler"),
                f"--kubeconfig={layout.kubeconfig('scheduler')}",
                f"--authentication-kubeconfig={layout.kubeconfig('scheduler')}",
                f"--authorization-kubeconfig={layout.kubeconfig('scheduler')}",
                "--bind-address=127.0.0.1", "--leader-elect=false", "--profiling=false",
            ],
        ),
        Component(
            "kubelet",
            [
                str(b / "kubelet"), f"--config={state / 'kubelet.yaml'}",
                f"--kubeconfig={layout.kubeconfig('kubelet')}",
                f"--hostname-override={layout.node_name}", f"--node-ip={layout.node_ip}",
                f"--root-dir={layout.kubelet_root}",
            ],
            "http://127.0.0.1:10248/healthz",
        ),
        Component(
            "kube-proxy",
            [str(b / "kube-proxy"), f"--config={state / 'kube-proxy.yaml'}"],
            "http://127.0.0.1:10256/healthz",
        ),
        Component(
            "metrics-server",
            [
                str(b / "metrics-server"),
                f"--kubeconfig={layout.admin_kubeconfig}",
                f"--authentication-kubeconfig={layout.admin_kubeconfig}",
                f"--authorization-kubeconfig={layout.admin_kubeconfig}",
                f"--bind-address={layout.node_ip}", f"--secure-port={ms_port}",
                f"--tls-cert-file={pki / 'metrics-server.crt'}",
                f"--tls-private-key-file={pki / 'metrics-server.key'}",
                f"--kubelet-certificate-authority={pki / 'ca.crt'}",
                f"--requestheader-client-ca-file={pki / 'front-proxy-ca.crt'}",
                "--kubelet-preferred-address-types=InternalIP",
                "--kubelet-use-node-status-port", "--metric-resolution=10s",
                "--kubelet-request-timeout=5s",
            ],
        ),
        Component(
            "kube-state-metrics",
            [
                str(b / "kube-state-metrics"), f"--kubeconfig={layout.admin_kubeconfig}",
                f"--host={layout.node_ip}", "--port=8081",
                "--telemetry-host=127.0.0.1", "--telemetry-port=8082",
                "--namespaces=pagerdrill-sandbox",
                "--resources=deployments,pods,horizontalpodautoscalers,nodes,replicasets",
                # the workload's contract priority, for KubeDeploymentDown
                "--metric-labels-allowlist=deployments=[priority]",
            ],
            f"http://{layout.node_ip}:8081/healthz",
        ),
    ]  # fmt: skip
