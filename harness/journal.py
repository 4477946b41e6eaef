"""The fault journal: before a fault acts, a line says what it does and how to
revert it; after reverting, another line says so. `pagerdrill recover` reverts
whatever has no closing line (a crashed or killed run). The load's worker pods
are journaled the same way (load/kubernetes_workers.py): a killed run's Job is
deleted by `recover`, not only ended by its own deadline."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import clock


@dataclass(frozen=True)
class JournalEntry:
    fault_id: str
    kind: str
    target: dict[str, str]
    revert: dict[str, Any]
    injected_at: float


class FaultJournal:
    def __init__(self, path: Path) -> None:
        self.path = path

    def opened(self, kind: str, target: dict[str, str], revert: dict[str, Any]) -> JournalEntry:
        entry = JournalEntry(secrets.token_hex(6), kind, target, revert, clock.now())
        self._append({"event": "opened", **entry.__dict__})
        return entry

    def closed(self, entry: JournalEntry) -> None:
        self._append({"event": "closed", "fault_id": entry.fault_id, "at": clock.now()})

    def open_entries(self) -> list[JournalEntry]:
        if not self.path.exists():
            return []
        opened: dict[str, JournalEntry] = {}
        for line in self.path.read_text().splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            if record["event"] == "opened":
                fields = {k: record[k] for k in JournalEntry.__dataclass_fields__}
                opened[record["fault_id"]] = JournalEntry(**fields)
            else:
                opened.pop(record["fault_id"], None)
        return list(opened.values())

    def _append(self, record: dict[str, object]) -> None:
        """One line per write, flushed to disk: the next line may never come."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as handle:
            handle.write(json.dumps(record) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
