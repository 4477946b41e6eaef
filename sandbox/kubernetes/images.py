"""Images for the cluster, with no registry: the pause image compiled from
Kubernetes' own pause.c (in the Go module cache), and the sandbox's Docker images,
saved from Docker and imported into the cluster's containerd."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from sandbox.kubernetes.configs import PAUSE_IMAGE
from sandbox.kubernetes.layout import K8S_VERSION, Layout
from sandbox.kubernetes.processes import ClusterError


def _module_cache() -> Path:
    out = subprocess.run(
        ["go", "env", "GOMODCACHE"], check=True, capture_output=True, text=True
    ).stdout.strip()
    return Path(out)


def _docker_has(image: str) -> bool:
    return (
        subprocess.run(
            ["docker", "image", "inspect", image], capture_output=True, check=False
        ).returncode
        == 0
    )


def build_pause_image() -> None:
    """`localhost/pagerdrill/pause:3.10` in Docker: pause.c, static, as the image's
    only file (about 800 KB)."""
    if _docker_has(PAUSE_IMAGE):
        return
    source = _module_cache() / f"k8s.io/kubernetes@v{K8S_VERSION}/build/pause/linux/pause.c"
    if not source.exists():
        raise ClusterError(f"no {source}: run sandbox/kubernetes/build.sh first")
    with tempfile.TemporaryDirectory() as work:
        binary = Path(work) / "pause"
        subprocess.run(
            ["gcc", "-Os", "-static", "-o", str(binary), str(source)],
            check=True,
            capture_output=True,
        )
        subprocess.run(["strip", str(binary)], check=True)
        archive = Path(work) / "pause.tar"
        subprocess.run(["tar", "-C", work, "-cf", str(archive), "pause"], check=True)
        subprocess.run(
            ["docker", "import", "--change", 'ENTRYPOINT ["/pause"]', str(archive), PAUSE_IMAGE],
            check=True,
            capture_output=True,
        )


def pinned(image: str) -> str:
    """The content-hash tag of a `:latest` Docker image (build.sh tags both), so that
    a changed image is imported anew and pods run exactly it."""
    tags = subprocess.run(
        ["docker", "image", "inspect", "-f", "{{json .RepoTags}}", image],
        capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    repository = image.rsplit(":", 1)[0]
    for tag in json.loads(tags.strip() or "[]"):  # empty: no Docker engine
        if tag.startswith(f"{repository}:") and not tag.endswith(":latest"):
            return str(tag)
    return image


def ctr(layout: Layout, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["ctr", "--address", str(layout.containerd_socket), "--namespace", "k8s.io", *args],
        check=check,
        capture_output=True,
        text=True,
    )


def imported(layout: Layout) -> set[str]:
    listing = ctr(layout, "images", "list", "--quiet").stdout
    return {line.strip() for line in listing.splitlines() if line.strip()}


def containerd_name(image: str) -> str:
    """The reference Kubernetes (and containerd's import) give a Docker image name."""
    first = image.split("/", maxsplit=1)[0]
    if "/" in image and ("." in first or ":" in first or first == "localhost"):
        return image
    return "docker.io/" + (image if "/" in image else f"library/{image}")


def tag_latest(layout: Layout, image: str) -> None:
    """`image` (content-hash tag) also as its repository's `:latest` in containerd: what
    a target file can name without knowing the hash (the load worker pods' image)."""
    latest = containerd_name(image.rsplit(":", 1)[0] + ":latest")
    ctr(layout, "images", "tag", "--force", containerd_name(image), latest)


def import_images(layout: Layout, images: list[str]) -> None:
    """Docker images into the cluster's containerd, under the names Kubernetes gives
    them (`docker.io/...` for unqualified names); skips those already there by ID."""
    have = imported(layout)
    for image in images:
        if containerd_name(image) in have:
            continue
        save = subprocess.Popen(["docker", "save", image], stdout=subprocess.PIPE)
        result = subprocess.run(
            ["ctr", "--address", str(layout.containerd_socket), "--namespace", "k8s.io",
             "images", "import", "--all-platforms", "-"],
            stdin=save.stdout, capture_output=True, text=True, check=False,
        )  # fmt: skip
        save.wait()
        if result.returncode != 0 or save.returncode != 0:
            raise ClusterError(f"importing {image} into containerd failed: {result.stderr}")
