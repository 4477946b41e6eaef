"""The cluster's certificates, made with openssl: one CA for the API server and its
clients, one for the front proxy (aggregated APIs), a service-account key pair.
Keys are ECDSA P-256 (fast to make, accepted by every component)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from sandbox.kubernetes.layout import Layout

DAYS = "3650"


@dataclass(frozen=True)
class Cert:
    name: str
    subject: str
    sans: tuple[str, ...] = ()
    server: bool = False
    ca: str = "ca"


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def _key(path: Path) -> None:
    _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(path))
    path.chmod(0o600)


def _ca(pki: Path, name: str, common_name: str) -> None:
    if (pki / f"{name}.crt").exists():
        return
    _key(pki / f"{name}.key")
    _openssl(
        "req", "-x509", "-new", "-key", str(pki / f"{name}.key"), "-days", DAYS,
        "-subj", f"/CN={common_name}", "-out", str(pki / f"{name}.crt"),
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
    )  # fmt: skip


def _signed(pki: Path, cert: Cert) -> None:
    crt = pki / f"{cert.name}.crt"
    if crt.exists():
        return
    key, csr, ext = pki / f"{cert.name}.key", pki / f"{cert.name}.csr", pki / f"{cert.name}.ext"
    _key(key)
    _openssl("req", "-new", "-key", str(key), "-subj", cert.subject, "-out", str(csr))
    usage = "serverAuth" if cert.server else "clientAuth"
    lines = [
        "basicConstraints=critical,CA:FALSE",
        "keyUsage=critical,digitalSignature,keyEncipherment",
        f"extendedKeyUsage={usage}",
    ]
    if cert.sans:
        lines.append("subjectAltName=" + ",".join(cert.sans))
    ext.write_text("\n".join(lines) + "\n")
    _openssl(
        "x509", "-req", "-in", str(csr), "-CA", str(pki / f"{cert.ca}.crt"),
        "-CAkey", str(pki / f"{cert.ca}.key"), "-CAcreateserial", "-days", DAYS,
        "-extfile", str(ext), "-out", str(crt),
    )  # fmt: skip
    csr.unlink()
    ext.unlink()


def certificates(layout: Layout) -> list[Cert]:
    api_sans = (
        f"IP:{layout.node_ip}", f"IP:{layout.api_service_ip}", "IP:127.0.0.1",
        "DNS:kubernetes", "DNS:kubernetes.default", "DNS:kubernetes.default.svc",
        "DNS:kubernetes.default.svc.cluster.local", "DNS:localhost",
    )  # fmt: skip
    node = layout.node_name
    return [
        Cert("apiserver", "/CN=kube-apiserver", api_sans, server=True),
        Cert("apiserver-kubelet-client", "/O=system:masters/CN=kube-apiserver-kubelet-client"),
        Cert("admin", "/O=system:masters/CN=kubernetes-admin"),
        Cert("controller-manager", "/CN=system:kube-controller-manager"),
        Cert("scheduler", "/CN=system:kube-scheduler"),
        Cert("kube-proxy", "/CN=system:kube-proxy"),
        Cert("kubelet", f"/O=system:nodes/CN=system:node:{node}"),
        Cert("kubelet-serving", f"/CN={node}", (f"IP:{layout.node_ip}", f"DNS:{node}"), True),
        Cert("front-proxy-client", "/CN=front-proxy-client", ca="front-proxy-ca"),
        Cert("metrics-server", "/CN=metrics-server", (f"IP:{layout.node_ip}",), server=True),
    ]


def make_pki(layout: Layout) -> None:
    """Idempotent: what exists is kept."""
    pki = layout.pki
    pki.mkdir(parents=True, exist_ok=True)
    _ca(pki, "ca", "pagerdrill-sandbox-ca")
    _ca(pki, "front-proxy-ca", "pagerdrill-sandbox-front-proxy-ca")
    for cert in certificates(layout):
        _signed(pki, cert)
    if not (pki / "sa.key").exists():
        _key(pki / "sa.key")
        _openssl("ec", "-in", str(pki / "sa.key"), "-pubout", "-out", str(pki / "sa.pub"))
