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


def current() -> TreeIndex:
    from .models import Organisation

    stamp = getattr(_request, "stamp", None)
    if stamp is None:
        stamp = Organisation.objects.stamp()
        if getattr(_request, "active", False):
            _request.stamp = stamp
    index = _index.get("tree")
    if index is None or index.stamp != stamp:
        index = TreeIndex(stamp)
        for pk, parent_id, name in Organisation.objects.values_list("pk", "parent_id", "name"):
            index.parent[pk] = parent_id
            index.name[pk] = name
        _index["tree"] = index
    return index
