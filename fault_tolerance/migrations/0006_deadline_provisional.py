"""Deadline notes become the years a deadline was counted provisionally in: a note recorded
before ("2027年的法定节假日安排尚未录入…", the date left empty) becomes {"decision_due": [2027]},
and the next recount (fault_tolerance.tasks.refresh_uncounted_deadlines, run on every
calendar change) gives it a provisional or final date."""

import re

from django.db import migrations


def forwards(apps, schema_editor):
    Case = apps.get_model("fault_tolerance", "Case")
    for case in Case.objects.exclude(deadline_notes={}).only("pk", "deadline_notes"):
        notes = {}
        for key, note in (case.deadline_notes or {}).items():
            if isinstance(note, str):
                years = [int(y) for y in re.findall(r"(\d{4})年", note)]
                notes[key] = years or note
            else:
                notes[key] = note
        if notes != case.deadline_notes:
            Case.objects.filter(pk=case.pk).update(deadline_notes=notes)


class Migration(migrations.Migration):
    dependencies = [("fault_tolerance", "0005_discipline_moves_out")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
