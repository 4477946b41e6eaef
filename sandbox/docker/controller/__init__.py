"""The sandbox's remediation controller: horizontal scaling of the IDP app with the
Kubernetes HPA algorithm on a Prometheus metric, through the Docker Engine API."""
