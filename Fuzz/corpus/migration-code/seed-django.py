from django.db import migrations


def forwards(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [migrations.RunPython(forwards, reverse_code=migrations.RunPython.noop), migrations.RunSQL("SELECT 1", "SELECT 2")]
