"""The commands behind disk-fill, run inside a workload by its platform adapter:
measure free space, write one bounded file, find pagerdrill's files. Only
coreutils/util-linux, which every Debian-based image has."""

from __future__ import annotations

FILE_PREFIX = ".pagerdrill-fill-"


def df_command(directory: str) -> list[str]:
    return ["df", "-Pk", directory]


def parse_df(output: str) -> int:
    """Available bytes from POSIX `df -Pk` output (the last line's 4th column)."""
    fields = output.splitlines()[-1].split()
    return int(fields[3]) * 1024


def fill_command(path: str, megabytes: int) -> list[str]:
    """Allocate the file at once where the filesystem can, else write zeros."""
    return [
        "sh",
        "-c",
        'fallocate -l "$2"M "$1" 2>/dev/null || dd if=/dev/zero of="$1" bs=1M count="$2" '
        "status=none",
        "disk-fill",
        path,
        str(megabytes),
    ]


def find_command(directory: str, prefix: str) -> list[str]:
    return ["find", directory, "-maxdepth", "1", "-name", f"{prefix}*"]


def parse_find(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]
