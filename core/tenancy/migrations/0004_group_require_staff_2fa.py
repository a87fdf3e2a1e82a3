from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("tenancy", "0003_group_schema_upper_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="group",
            name="require_staff_2fa",
            field=models.BooleanField(default=False, verbose_name="staff must use two-factor login"),
        ),
    ]
