"""An order's and a referral's status history is a record of who moved it and when: the
database refuses to change an event row (clinics.db_triggers)."""

from django.db import migrations

from clinics.db_triggers import refuse_changes


class Migration(migrations.Migration):
    dependencies = [("workups", "0004_referral_events")]

    operations = [
        refuse_changes("workups_orderevent", message="order events are append-only"),
        refuse_changes("workups_referralevent", message="referral events are append-only"),
    ]
