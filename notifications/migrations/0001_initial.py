import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, schema_editor):
    """The permissions (and admin log entries) made for tickets.Notification stay with the model."""
    content_types = apps.get_model("contenttypes", "ContentType").objects
    if not content_types.filter(app_label="notifications", model="notification").exists():
        content_types.filter(app_label="tickets", model="notification").update(app_label="notifications")


def _move_content_type_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    if not content_types.filter(app_label="tickets", model="notification").exists():
        content_types.filter(app_label="notifications", model="notification").update(app_label="tickets")


class Migration(migrations.Migration):
    """The model made as tickets.Notification (tickets 0002-0004), taken over as it is: into this
    app's state only, on the table it has (no table is created, no row moves)."""

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('jobs', '0006_export_time_slices'),
        ('tickets', '0005_notification_to_its_own_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('tenant_id', models.CharField(blank=True, db_index=True, max_length=64, verbose_name='tenant')),
                        ('ticket_id', models.CharField(blank=True, max_length=255, verbose_name='ticket')),
                        ('summary', models.CharField(max_length=255, verbose_name='summary')),
                        ('reply_count', models.PositiveIntegerField(default=0, verbose_name='replies')),
                        ('replied_at', models.DateTimeField(blank=True, null=True, verbose_name='replied at')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='noticed at')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                        ('job', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='jobs.job')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ticket_notifications', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'ticket notification',
                        'verbose_name_plural': 'ticket notifications',
                        'db_table': 'tickets_notification',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['user', 'tenant_id', 'read_at'], name='notification_unread_by_tenant')],
                        'constraints': [
                            models.UniqueConstraint(condition=models.Q(('job__isnull', True)), fields=('user', 'tenant_id', 'ticket_id', 'reply_count'), name='notification_once_per_reply'),
                            models.UniqueConstraint(fields=('job',), name='notification_once_per_job'),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(_move_content_type, _move_content_type_back),
    ]
