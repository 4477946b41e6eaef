"""`with` support for anything that has `close()`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Self


class Closing(ABC):
    """Mixin: `with Thing(...) as thing:` closes it on the way out."""

    @abstractmethod
    def close(self) -> None:
        """Release what the object holds (connections, clients)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
