"""Where the Kubernetes sandbox lives on this machine: addresses, ports and folders.
Everything is on loopback or a portless bridge of its own (the node address), so
no traffic leaves the machine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

K8S_VERSION = "1.34.4"
ETCD_VERSION = "3.6.16"
METRICS_SERVER_VERSION = "0.8.0"
KSM_VERSION = "2.16.0"


def binaries_dir() -> Path:
    """Where build.sh caches the binaries for the pinned versions."""
    cache = Path(os.environ.get("PAGERDRILL_CACHE", "/var/cache/pagerdrill"))
    key = f"k8s-{K8S_VERSION}-etcd-{ETCD_VERSION}-ms-{METRICS_SERVER_VERSION}-ksm-{KSM_VERSION}"
    return cache / "kubernetes" / key


@dataclass(frozen=True)
class Layout:
    state: Path = Path("/var/lib/pagerdrill/k8s")
    run: Path = Path("/run/pagerdrill/k8s")
    node_name: str = "pagerdrill-node"
    node_ip: str = "10.213.0.1"
    node_interface: str = "pd-k8s0"
    bridge: str = "pd-cni0"
    pod_cidr: str = "10.244.0.0/16"
    node_pod_cidr: str = "10.244.0.0/24"
    service_cidr: str = "10.96.0.0/16"
    api_service_ip: str = "10.96.0.1"
    apiserver_port: int = 6443
    etcd_client_port: int = 22379
    etcd_peer_port: int = 22380
    metrics_server_port: int = 4443

    @property
    def bin(self) -> Path:
        return binaries_dir()

    @property
    def pki(self) -> Path:
        return self.state / "pki"

    @property
    def logs(self) -> Path:
        return self.state / "logs"

    @property
    def containerd_socket(self) -> Path:
        return self.run / "containerd" / "containerd.sock"

    @property
    def cni_conf_dir(self) -> Path:
        return self.state / "cni"

    @property
    def kubelet_root(self) -> Path:
        return self.state / "kubelet"

    @property
    def apiserver_url(self) -> str:
        return f"https://{self.node_ip}:{self.apiserver_port}"

    def kubeconfig(self, user: str) -> Path:
        return self.state / f"{user}.kubeconfig"

    @property
    def admin_kubeconfig(self) -> Path:
        return self.kubeconfig("admin")
