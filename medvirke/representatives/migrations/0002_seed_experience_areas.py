"""The starting list of experience areas; administrators edit it afterwards."""

from django.db import migrations

AREAS = [
    # (Bokmål, English, required in trust user councils per Helse Vest guidelines)
    ("Somatikk", "Somatic health", True),
    ("Psykisk helse", "Mental health", True),
    ("Rus / TSB", "Substance use (TSB)", True),
    ("Kreft", "Cancer", False),
    ("Barn og unge", "Children and young people", False),
    ("Eldre", "Older people", False),
    ("Habilitering", "Habilitation", False),
    ("Rehabilitering", "Rehabilitation", False),
    ("Kronisk sykdom", "Chronic illness", False),
    ("Funksjonsnedsettelse", "Disability", False),
    ("Pårørende", "Relatives", False),
]


def seed(apps, schema_editor):
    area = apps.get_model("representatives", "ExperienceArea")
    for order, (nb, en, required) in enumerate(AREAS, start=1):
        area.objects.get_or_create(
            name_nb=nb,
            defaults={"name_en": en, "required_for_trust_councils": required,
                      "sort_order": order * 10},
        )


def unseed(apps, schema_editor):
    apps.get_model("representatives", "ExperienceArea").objects.filter(
        name_nb__in=[a[0] for a in AREAS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("representatives", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
