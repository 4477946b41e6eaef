"""The sandbox on a real single-node Kubernetes: the cluster as host processes
(built offline by build.sh), the sandbox's images imported into its containerd,
and the reference IDP with its monitoring as Kubernetes objects."""
