"""The sandbox on the local Docker engine (the fast default): composition with
testcontainers, the HAProxy front, the controller playing kubelet and HPA, and the
Docker variants."""
