"""Processes inside a container, for process-level faults: the listing script run
where no `ps` may exist (a pod, through exec), its parser, and the pattern match.

The script uses the shell's builtins to read /proc; what the listing itself starts
(the shell and its command substitutions) is left out by its parent PIDs."""

from __future__ import annotations

import re

from chaos.platform import ProcessRef

LIST_SCRIPT = (
    'echo "self $$"; '
    "for d in /proc/[0-9]*; do "
    'read -r s < "$d/stat" 2>/dev/null || continue; '
    "set -- ${s##*) }; "
    'c=$(tr "\\0\\n" "  " < "$d/cmdline" 2>/dev/null); '
    'echo "${d#/proc/} $1 $2 $c"; '
    "done"
)
"""Prints `self <its PID>`, then `<pid> <state> <ppid> <command line>` per process, one
line each (a command line's own newlines, `python3 -c PROGRAM`, become spaces)."""


def parse_listing(where: str, output: str) -> list[ProcessRef]:
    """The processes `LIST_SCRIPT` printed, without the listing's own."""
    rows: list[tuple[int, str, int, str]] = []
    own: set[int] = set()
    for line in output.splitlines():
        parts = line.strip().split(" ", 3)
        if len(parts) == 2 and parts[0] == "self" and parts[1].isdigit():
            own.add(int(parts[1]))
        elif len(parts) >= 3 and parts[0].isdigit() and parts[2].isdigit():
            command = parts[3].strip() if len(parts) == 4 else ""
            rows.append((int(parts[0]), parts[1][:1], int(parts[2]), command))
    grew = True
    while grew:  # the shell, then its children, then theirs
        before = len(own)
        own |= {pid for pid, _, ppid, _ in rows if ppid in own}
        grew = len(own) > before
    return [ProcessRef(where, pid, state, cmd) for pid, state, _, cmd in rows if pid not in own]


def matching(processes: list[ProcessRef], pattern: str) -> list[ProcessRef]:
    """The processes whose command line `pattern` (a regular expression) matches;
    kernel threads (no command line) never do."""
    regex = re.compile(pattern)
    return [p for p in processes if p.command and regex.search(p.command)]
