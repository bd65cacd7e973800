"""Every organisation's parent and name, held in memory: breadcrumbs and roles that reach down
the tree (`lineage`) without a six-level join on every page.

The index is rebuilt when `Organisation.objects.stamp()` changes (any organisation saved, added
or removed). The stamp is read once per request (a thread-local memo that lives from
`request_started` to `request_finished`, cleared at once when this process saves an
organisation); outside requests (commands, tasks) it is read every time.
"""

import threading
from dataclasses import dataclass, field
from typing import Any

from django.core.signals import request_finished, request_started
from django.dispatch import receiver


@dataclass(frozen=True)
class Crumb:
    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass
class TreeIndex:
    stamp: str
    parent: dict[int, int | None] = field(default_factory=dict)
    name: dict[int, str] = field(default_factory=dict)
    # For the search: (pk, name, short name, kind, ended), sorted by name.
    rows: list[tuple[int, str, str, str, bool]] = field(default_factory=list)

    def __contains__(self, pk: object) -> bool:
        return pk in self.parent

    def lineage(self, pk: int) -> list[int]:
        """`pk` and its ancestors, nearest first (cycle-safe)."""
        chain = [pk]
        node = self.parent.get(pk)
        while node is not None and node not in chain:
            chain.append(node)
            node = self.parent.get(node)
        return chain

    def subtree(self, pk: int) -> list[int]:
        """`pk` and every organisation below it, at any depth (one pass over the index)."""
        return [node for node in self.parent if pk in self.lineage(node)]

    def search(self, text: str) -> list[tuple[int, str, str, str, bool]]:
        """Organisations whose name or short name contains `text` (any case), by name: in
        memory, because the whole register is a few thousand names."""
        needle = text.strip().casefold()
        return [
            row
            for row in self.rows
            if needle in row[1].casefold() or (row[2] and needle in row[2].casefold())
        ]

    def of_kind(self, kind: str, *, active: bool = True) -> list[tuple[int, str]]:
        """(pk, name) of every organisation of `kind` (only active ones unless told), by name."""
        return [
            (pk, name)
            for pk, name, _short, k, ended in self.rows
            if k == kind and not (active and ended)
        ]

    def ancestors(self, pk: int) -> list[Crumb]:
        """Parents from the root down, for breadcrumbs."""
        return [Crumb(a, self.name[a]) for a in reversed(self.lineage(pk)[1:])]


_request = threading.local()
_index: dict[str, TreeIndex] = {}


@receiver(request_started)
def _start(**kwargs: Any) -> None:
    _request.active, _request.stamp = True, None


@receiver(request_finished)
def _finish(**kwargs: Any) -> None:
    _request.active, _request.stamp = False, None


def forget() -> None:
    """This process changed an organisation: read the stamp again (and forget the index)."""
    _request.stamp = None
    _index.clear()


def stamp() -> str:
    """`Organisation.objects.stamp()`, read once per request (the page cache, the tree page's
    listing and the index all key on it)."""
    from .models import Organisation

    value = getattr(_request, "stamp", None)
    if value is None:
        value = Organisation.objects.stamp()
        if getattr(_request, "active", False):
            _request.stamp = value
    return value


def current() -> TreeIndex:
    from .models import Organisation

    stamp_now = stamp()
    index = _index.get("tree")
    if index is None or index.stamp != stamp_now:
        index = TreeIndex(stamp_now)
        rows = Organisation.objects.order_by("name", "pk").values_list(
            "pk", "parent_id", "name", "short_name", "kind", "ended_on"
        )
        for pk, parent_id, name, short_name, kind, ended_on in rows:
            index.parent[pk] = parent_id
            index.name[pk] = name
            index.rows.append((pk, name, short_name, kind, ended_on is not None))
        _index["tree"] = index
    return index
