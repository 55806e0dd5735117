"""Probes for load balancers and orchestrators: is this process alive, and ready to serve?

`/healthz` does no work at all, through the same middleware as every page, so its time is the
floor a page's time is compared with (bench/). `/readyz` answers 200 only when the database
answers and every migration this code expects is applied; it also tells the depth of the job
queue, so a balancer or an operator sees work piling up. Neither reveals anything about the
mechanism's data.
"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from equalfooting.jobs.selectors import jobs_queued

# Once every migration is applied it stays so for the life of the process (new code with new
# migrations comes with new processes), so the migration graph is read from disk only until then.
_migrated = False


def migrations_pending() -> list[str]:
    """The migrations this code has that the database has not applied, as app.name."""
    global _migrated  # a per-process memo, see above
    if _migrated:
        return []
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    pending = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
    _migrated = not pending
    return pending


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        pending = migrations_pending()
        queued = jobs_queued()
    except DatabaseError:
        return JsonResponse({"ok": False, "database": "unreachable"}, status=503)
    body = {
        "ok": not pending,
        "database": "ok",
        "migrations": "ok" if not pending else {"pending": pending},
        "jobs_queued": queued,
    }
    return JsonResponse(body, status=200 if not pending else 503)
