"""Infant fields of the engine's contract 2: maternal drug exposure and the neurological
examination become lists (a yes/no exposure becomes ["other"] or [], a single finding a list of
one), and size for gestational age, skin signs, head, fontanelle and medications given are added.
On PostgreSQL the list fields are checked against their vocabularies by the database as well."""

from django.db import migrations, models

LIST_VOCABULARIES = {
    "maternal_drug_exposure": [
        "opioids", "methadone_or_buprenorphine", "benzodiazepines", "ssri_snri", "stimulants",
        "alcohol", "nicotine", "other",
    ],
    "skin_signs": [
        "hypomelanotic_macules", "cafe_au_lait_macules", "facial_angiofibromas",
        "port_wine_stain", "other",
    ],
    "neuro_exam": [
        "normal", "hypertonia", "hypotonia", "abnormal_tone", "focal_deficit",
        "exaggerated_nose_tap_startle", "abnormal_other", "not_done",
    ],
    "family_history": [
        "neonatal_seizures", "epilepsy", "startle_disorder", "tuberous_sclerosis",
        "consanguinity", "other",
    ],
}


def lists_from_single_values(apps, schema_editor):
    Infant = apps.get_model("patients", "Infant")
    for infant in Infant.objects.only("id", "old_drug_exposure", "old_neuro_exam").iterator():
        infant.maternal_drug_exposure = ["other"] if infant.old_drug_exposure else []
        exam = infant.old_neuro_exam
        infant.neuro_exam = [exam] if exam and exam != "not_done" else []
        infant.save(update_fields=["maternal_drug_exposure", "neuro_exam"])


def single_values_from_lists(apps, schema_editor):
    Infant = apps.get_model("patients", "Infant")
    for infant in Infant.objects.only("id", "maternal_drug_exposure", "neuro_exam").iterator():
        infant.old_drug_exposure = bool(infant.maternal_drug_exposure)
        infant.old_neuro_exam = (infant.neuro_exam or ["not_done"])[0]
        infant.save(update_fields=["old_drug_exposure", "old_neuro_exam"])


def _check_name(column: str) -> str:
    return f"infant_{column}_codes_valid"


def add_list_checks(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name("patients_infant")
    for column, codes in LIST_VOCABULARIES.items():
        allowed = "[" + ", ".join(f'"{code}"' for code in codes) + "]"
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {_check_name(column)} CHECK ("
            f"jsonb_typeof({column}) = 'array' AND {column} <@ %s::jsonb)",
            [allowed],
        )
    schema_editor.execute(
        f"ALTER TABLE {table} ADD CONSTRAINT infant_medications_is_list "
        "CHECK (jsonb_typeof(medications) = 'array')"
    )


def drop_list_checks(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name("patients_infant")
    for name in [*map(_check_name, LIST_VOCABULARIES), "infant_medications_is_list"]:
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0005_invitation_phone"),
    ]

    operations = [
        migrations.RenameField("infant", "maternal_drug_exposure", "old_drug_exposure"),
        migrations.RenameField("infant", "neuro_exam", "old_neuro_exam"),
        migrations.AddField(
            model_name="infant",
            name="maternal_drug_exposure",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="infant",
            name="neuro_exam",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Empty: not examined.",
                verbose_name="neurological examination",
            ),
        ),
        migrations.RunPython(lists_from_single_values, single_values_from_lists),
        migrations.RemoveField("infant", "old_drug_exposure"),
        migrations.RemoveField("infant", "old_neuro_exam"),
        migrations.AddField(
            model_name="infant",
            name="fontanelle",
            field=models.CharField(
                blank=True,
                choices=[("normal", "Normal (soft, flat)"), ("bulging", "Bulging"), ("sunken", "Sunken")],
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="infant",
            name="head",
            field=models.CharField(
                blank=True,
                choices=[
                    ("normal", "Normal size"),
                    ("microcephaly", "Small head (microcephaly)"),
                    ("macrocephaly", "Large head (macrocephaly)"),
                    ("rapidly_growing", "Head growing fast"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="infant",
            name="medications",
            field=models.JSONField(blank=True, default=list, verbose_name="medications given"),
        ),
        migrations.AddField(
            model_name="infant",
            name="size_for_gestational_age",
            field=models.CharField(
                blank=True,
                choices=[
                    ("sga", "Small for gestational age"),
                    ("aga", "Appropriate for gestational age"),
                    ("lga", "Large for gestational age"),
                ],
                max_length=4,
            ),
        ),
        migrations.AddField(
            model_name="infant",
            name="skin_signs",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddConstraint(
            model_name="infant",
            constraint=models.CheckConstraint(
                condition=models.Q(("size_for_gestational_age__in", ["sga", "aga", "lga", ""])),
                name="infant_size_for_gestational_age_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="infant",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("head__in", ["normal", "microcephaly", "macrocephaly", "rapidly_growing", ""])
                ),
                name="infant_head_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="infant",
            constraint=models.CheckConstraint(
                condition=models.Q(("fontanelle__in", ["normal", "bulging", "sunken", ""])),
                name="infant_fontanelle_valid",
            ),
        ),
        migrations.RunPython(add_list_checks, drop_list_checks),
    ]
