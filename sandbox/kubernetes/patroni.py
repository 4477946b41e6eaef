"""One Patroni member of the Kubernetes sandbox: the Docker sandbox's patroni.yml
(the same bootstrap, synchronous replication and ttl) with the Kubernetes API in
place of etcd as its DCS: the leader lock and config in ConfigMaps, the pods
labelled `role=primary|replica` so that the `postgres` Service selects the primary.
Name, namespace, addresses and passwords come from PATRONI_* environment variables
(the pod's own fields and the sandbox's Secret). PostgreSQL refuses to run as root::

    python -m sandbox.kubernetes.patroni
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import yaml

SHARED = Path(__file__).resolve().parents[1] / "database" / "patroni.yml"
HOME = Path("/var/lib/postgresql")
CONFIG = Path("/tmp/patroni.yml")
LABELS = {"app": "postgres"}


def kubernetes_config(shared: dict[str, Any]) -> dict[str, Any]:
    """The shared config with its etcd section swapped for Patroni's Kubernetes DCS.
    The shared `namespace` (etcd's key prefix) goes too: Patroni would take it for
    the Kubernetes namespace (PATRONI_KUBERNETES_NAMESPACE, the pod's own)."""
    config = {k: v for k, v in shared.items() if k not in ("etcd3", "namespace")}
    config["kubernetes"] = {
        "use_endpoints": False,
        "labels": LABELS,
        "role_label": "role",
        "leader_label_value": "primary",
        "follower_label_value": "replica",
    }
    return config


def main() -> None:
    config = kubernetes_config(yaml.safe_load(SHARED.read_text()))
    CONFIG.write_text(yaml.safe_dump(config, sort_keys=False))
    data = HOME / "data"
    data.mkdir(parents=True, exist_ok=True)
    for path in (HOME, data, CONFIG):
        shutil.chown(path, "postgres", "postgres")
    data.chmod(0o700)
    os.chdir(HOME)
    os.execvp(
        "runuser",
        ["runuser", "-u", "postgres", "--", "env", f"HOME={HOME}", "patroni", str(CONFIG)],
    )


if __name__ == "__main__":
    main()
