"""The configuration files of the cluster's components, written into the state folder."""

from __future__ import annotations

import json

import yaml

from sandbox.kubernetes.layout import Layout

PAUSE_IMAGE = "localhost/pagerdrill/pause:3.10"


def kubeconfig(layout: Layout, user: str, cert: str) -> str:
    pki = layout.pki
    return yaml.safe_dump(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {
                    "name": "pagerdrill-sandbox",
                    "cluster": {
                        "server": layout.apiserver_url,
                        "certificate-authority": str(pki / "ca.crt"),
                    },
                }
            ],
            "users": [
                {
                    "name": user,
                    "user": {
                        "client-certificate": str(pki / f"{cert}.crt"),
                        "client-key": str(pki / f"{cert}.key"),
                    },
                }
            ],
            "contexts": [
                {
                    "name": "pagerdrill-sandbox",
                    "context": {"cluster": "pagerdrill-sandbox", "user": user},
                }
            ],
            "current-context": "pagerdrill-sandbox",
        }
    )


KUBECONFIG_USERS = ("admin", "controller-manager", "scheduler", "kubelet", "kube-proxy")
"""Each has a client certificate of the same name (pki.py)."""


def containerd_config(layout: Layout) -> str:
    root = layout.state / "containerd"
    return f"""version = 2
root = "{root}"
state = "{layout.run / "containerd"}"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper"]

[grpc]
  address = "{layout.containerd_socket}"

[plugins."io.containerd.internal.v1.opt"]
  path = "{root / "opt"}"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "{PAUSE_IMAGE}"
  # no CAP_SYS_RESOURCE on these machines: a negative oom_score_adj (the pause
  # container's -998) is refused, so keep every container at or above ours
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "{layout.cni_conf_dir}"
"""


def cni_conflist(layout: Layout) -> str:
    return json.dumps(
        {
            "cniVersion": "1.0.0",
            "name": "pagerdrill-sandbox",
            "plugins": [
                {
                    "type": "bridge",
                    "bridge": layout.bridge,
                    "isGateway": True,
                    "ipMasq": True,
                    "hairpinMode": True,
                    "ipam": {
                        "type": "host-local",
                        "ranges": [[{"subnet": layout.node_pod_cidr}]],
                        "routes": [{"dst": "0.0.0.0/0"}],
                        "dataDir": str(layout.state / "cni-ipam"),
                    },
                },
                {"type": "portmap", "capabilities": {"portMappings": True}},
            ],
        },
        indent=2,
    )


def kubelet_config(layout: Layout) -> str:
    pki = layout.pki
    return yaml.safe_dump(
        {
            "apiVersion": "kubelet.config.k8s.io/v1beta1",
            "kind": "KubeletConfiguration",
            "cgroupDriver": "cgroupfs",  # PID 1 is not systemd here
            "failCgroupV1": False,  # this kernel has cgroup v1 only
            "containerRuntimeEndpoint": f"unix://{layout.containerd_socket}",
            "failSwapOn": False,
            "address": layout.node_ip,
            "readOnlyPort": 0,
            "healthzBindAddress": "127.0.0.1",
            "authentication": {
                "anonymous": {"enabled": False},
                "webhook": {"enabled": True},
                "x509": {"clientCAFile": str(pki / "ca.crt")},
            },
            "authorization": {"mode": "Webhook"},
            "tlsCertFile": str(pki / "kubelet-serving.crt"),
            "tlsPrivateKeyFile": str(pki / "kubelet-serving.key"),
            "clusterDomain": "cluster.local",
            "resolvConf": "/etc/resolv.conf",
            # imported images have no registry to come back from: never collect them
            "imageGCHighThresholdPercent": 100,
            "imageGCLowThresholdPercent": 99,
            "evictionHard": {
                "memory.available": "100Mi",
                "nodefs.available": "1%",
                "imagefs.available": "1%",
                "nodefs.inodesFree": "1%",
            },
            "serializeImagePulls": False,
            "syncFrequency": "10s",
            "nodeStatusUpdateFrequency": "4s",
            "shutdownGracePeriod": "0s",
        }
    )


def kube_proxy_config(layout: Layout) -> str:
    return yaml.safe_dump(
        {
            "apiVersion": "kubeproxy.config.k8s.io/v1alpha1",
            "kind": "KubeProxyConfiguration",
            "mode": "iptables",  # no IPVS in this kernel
            "clusterCIDR": layout.pod_cidr,
            "clientConnection": {"kubeconfig": str(layout.kubeconfig("kube-proxy"))},
            "hostnameOverride": layout.node_name,
            "bindAddress": layout.node_ip,
            "healthzBindAddress": "127.0.0.1:10256",
            "metricsBindAddress": "127.0.0.1:10249",
            "conntrack": {"maxPerCore": 0},  # leave the host's conntrack sysctls alone
            # NodePorts only on the node address; never route_localnet on this host
            "nodePortAddresses": [f"{layout.node_ip}/32"],
            "iptables": {"syncPeriod": "5s", "minSyncPeriod": "0s", "localhostNodePorts": False},
        }
    )


def write_configs(layout: Layout) -> None:
    state = layout.state
    for user in KUBECONFIG_USERS:
        layout.kubeconfig(user).write_text(kubeconfig(layout, user, user))
    (state / "containerd.toml").write_text(containerd_config(layout))
    layout.cni_conf_dir.mkdir(parents=True, exist_ok=True)
    (layout.cni_conf_dir / "10-pagerdrill.conflist").write_text(cni_conflist(layout))
    (state / "kubelet.yaml").write_text(kubelet_config(layout))
    (state / "kube-proxy.yaml").write_text(kube_proxy_config(layout))
