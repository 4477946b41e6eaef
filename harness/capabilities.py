"""What a platform can do to its workloads, as a closed set. A platform adapter
declares the capabilities it has (chaos/platform.py: one Protocol each); a fault
kind names the one it needs (harness/fault_specs.py); a drill whose fault needs a
capability its target's platform lacks is refused before anything is touched."""

from __future__ import annotations

from enum import StrEnum


class Capability(StrEnum):
    PROCESS_LIFECYCLE = "process-lifecycle"
    """Crash, kill and stop a workload's process or container; start it again."""
    PROCESS_SIGNALS = "process-signals"
    """List the processes inside a workload's container and signal some of them."""
    FREEZE = "freeze"
    """Freeze every process of a workload (cgroup freezer) and thaw it."""
    NETWORK_PARTITION = "network-partition"
    """Cut a workload off its networks and connect it again."""
    NETWORK_SHAPING = "network-shaping"
    """Delay or drop what a workload sends."""
    RESOURCE_STRESS = "resource-stress"
    """Burn CPU or memory inside a workload, bounded in time."""
    DISK_FILL = "disk-fill"
    """Write a bounded file into a workload's filesystem and remove it."""
    ORCHESTRATOR = "orchestrator"
    """Scale, evict, cordon and drain (Kubernetes)."""
    DATABASE_PRIMARY = "database-primary"
    """Name the current primary of the platform's replicated database."""
