from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("migration_probe", "0001_initial")]
    operations = [
        migrations.AddField(
            model_name="probenote", name="extra",
            field=models.CharField(default="", max_length=50),
        ),
    ]
