"""An installation upgraded to deadlines gets them for the work already waiting.

Before this version nothing had a deadline, so nobody was ever told of one: each deadline
opened here runs its full length from the upgrade. Matches still awaiting the State, matches
the State accepted still awaiting the provider, reviews still unwritten, and published offers
with a last day (at the earliest a week from now, so their representatives are reminded). The
rows are written directly, without entries in the audit chain: the audit services are not
available to a migration; `deadlines.deadline.*` entries start with the first change after it.
"""

import datetime as dt

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def open_deadlines(apps, schema_editor):
    Deadline = apps.get_model("deadlines", "Deadline")
    Match = apps.get_model("matchmaking", "Match")
    Review = apps.get_model("fund", "Review")
    Offer = apps.get_model("offers", "Offer")
    now = timezone.now()
    days = settings.EF_DEADLINE_DAYS

    def open_for(kind, object_type, pks, due_at):
        existing = set(
            Deadline.objects.filter(
                kind=kind, object_type=object_type, status="open"
            ).values_list("object_id", flat=True)
        )
        Deadline.objects.bulk_create(
            [
                Deadline(
                    kind=kind,
                    object_type=object_type,
                    object_id=str(pk),
                    due_at=due_at(pk) if callable(due_at) else due_at,
                    opened_at=now,
                )
                for pk in pks
                if str(pk) not in existing
            ]
        )

    live = Match.objects.filter(round__status="published").exclude(
        request__status__in=["withdrawn", "closed_unmet"]
    ).exclude(offer__status__in=["withdrawn", "closed"])
    open_for(
        "match_state_answer",
        "match",
        live.filter(state_decision="pending", provider_decision="pending").values_list(
            "pk", flat=True
        ),
        now + dt.timedelta(days=days["match_state_answer"]),
    )
    open_for(
        "match_provider_confirm",
        "match",
        live.filter(state_decision="accepted", provider_decision="pending").values_list(
            "pk", flat=True
        ),
        now + dt.timedelta(days=days["match_provider_confirm"]),
    )
    open_for(
        "review",
        "review",
        Review.objects.filter(status="assigned", proposal__status="under_review").values_list(
            "pk", flat=True
        ),
        now + dt.timedelta(days=days["review"]),
    )
    ends = dict(
        Offer.objects.filter(
            status__in=["published", "fully_booked"], available_until__isnull=False
        ).values_list("pk", "available_until")
    )
    earliest = now + dt.timedelta(days=7)
    open_for(
        "offer_availability",
        "offer",
        list(ends),
        lambda pk: max(
            dt.datetime.combine(ends[pk] + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC),
            earliest,
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0001_initial"),
        ("matchmaking", "0003_alter_match_provider_decision_and_more"),
        ("fund", "0007_review_recommendation_choices"),
        ("offers", "0002_offer"),
        ("needs", "0002_alter_assistancerequest_status"),
    ]

    operations = [migrations.RunPython(open_deadlines, migrations.RunPython.noop)]
