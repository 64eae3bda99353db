from django.db import migrations, models


class Migration(migrations.Migration):
    """An export's checkpoint by time slice: the end of the last slice written, the next one's length."""

    dependencies = [
        ("jobs", "0005_job_attention_sending_worked_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="export",
            name="covered_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="export",
            name="slice_seconds",
            field=models.FloatField(default=0),
        ),
    ]
