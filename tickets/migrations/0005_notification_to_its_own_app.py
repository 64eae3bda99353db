from django.db import migrations


class Migration(migrations.Migration):
    """Notification moved to the notifications app (its 0001): it leaves this app's state only;
    the table, tickets_notification, and its rows stay as they are."""

    dependencies = [
        ('tickets', '0004_tenant'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Notification')],
            database_operations=[],
        ),
    ]
