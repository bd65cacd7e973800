"""Give every existing organisation its path ("1.7.23.": its ancestors' ids and its own, root
first, each ended by a dot; organisations/models.py), parents before children: one UPDATE per
level of the tree, so a national register of a few thousand rows takes seven statements.
Written out here rather than imported, as migrations must not use app code."""

from typing import Any

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat


def fill_paths(apps: Any, schema_editor: Any) -> None:
    Organisation = apps.get_model("organisations", "Organisation")
    segment = Concat(Cast("pk", models.CharField()), Value("."))
    Organisation.objects.filter(path="", parent__isnull=True).update(path=segment)
    while True:
        parent_path = Subquery(
            Organisation.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]
        )
        ready = Organisation.objects.filter(path="", parent__isnull=False).exclude(parent__path="")
        if not ready.update(path=Concat(parent_path, segment)):
            break
    # A row left without a path sits in a cycle of parents (the old code could not rule one
    # out everywhere): stop rather than leave an organisation outside the tree.
    stuck = list(Organisation.objects.filter(path="").values_list("pk", flat=True)[:20])
    if stuck:
        raise RuntimeError(f"organisations in a cycle of parents, fix them first: {stuck}")


def clear_paths(apps: Any, schema_editor: Any) -> None:
    apps.get_model("organisations", "Organisation").objects.update(path="")


class Migration(migrations.Migration):
    dependencies = [("organisations", "0004_organisation_path")]

    operations = [migrations.RunPython(fill_paths, clear_paths)]
