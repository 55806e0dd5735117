"""The worker: django-tasks-db's own worker loop, with the lease kept beside it.

A keeper thread in the worker process, on every beat (a third of `EF_JOB_LEASE`, at most a
minute): renews the lease of the job this worker runs, so long as the process lives; then
queues again the jobs of workers that died (`services.leases_expire`). A worker killed with
`kill -9` stops renewing, and the next pass of any other worker (or of this one, restarted)
gives its job another try.

A scheduler thread runs the scheduler's pass (`schedule.tick`: deadlines, reminders, lapses,
digests) every `EF_TICK_EVERY` seconds, in its own thread so a long pass never delays a lease.
"""

from __future__ import annotations

import logging
import os
import signal
import threading

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker

from . import schedule, services

logger = logging.getLogger("equalfooting.jobs")


def beat_seconds(lease: int) -> float:
    """How often the keeper renews: three times per lease, at most once a minute."""
    return max(0.2, min(lease / 3, 60.0))


class Worker(DatabaseWorker):
    def __init__(
        self,
        *,
        lease: int,
        stop_with: int | None = None,
        scheduler: bool = True,
        **options: object,
    ) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.beat = beat_seconds(lease)
        self.stop_with = stop_with  # a parent process: the worker stops when it is gone
        self.scheduler = scheduler and not self.batch
        self._stopping = threading.Event()

    def run(self) -> None:
        if self.batch:
            self.keep_once()  # a batch first queues again what dead workers left, then runs it
        threads = [threading.Thread(target=self._keep, name="ef-lease-keeper", daemon=True)]
        if self.scheduler:
            threads.append(
                threading.Thread(target=self._schedule, name="ef-scheduler", daemon=True)
            )
        for thread in threads:
            thread.start()
        try:
            super().run()
        finally:
            self._stopping.set()
            for thread in threads:
                thread.join(timeout=5)

    def _schedule(self) -> None:
        """Run the scheduler's pass now, then every EF_TICK_EVERY seconds, until stopped."""
        try:
            while not self._stopping.is_set():
                close_old_connections()
                try:
                    done = schedule.tick()
                    logger.info("Scheduler pass: %s", done)
                except Exception:  # the scheduler must outlive any one bad pass
                    logger.exception("Scheduler pass failed")
                self._stopping.wait(settings.EF_TICK_EVERY)
        finally:
            connection.close()  # this thread's own connection

    def keep_once(self) -> None:
        """One beat: renew this worker's lease, then requeue the jobs of dead workers."""
        close_old_connections()
        try:
            services.leases_renew(actor=services.WORKER, worker_id=self.worker_id)
            expired = services.leases_expire(actor=services.WORKER)
            if expired:
                logger.warning("Queued again %d job(s) whose worker stopped.", expired)
        except OperationalError as exc:  # the database is busy or away: try on the next beat
            logger.warning("Lease pass skipped: %s", exc)

    def _keep(self) -> None:
        try:
            waited = self.beat  # the first pass runs at once
            while not self._stopping.is_set():
                if self.stop_with is not None and os.getppid() != self.stop_with:
                    logger.warning("The process that started this worker has ended: stopping.")
                    os.kill(os.getpid(), signal.SIGTERM)
                    return
                if waited >= self.beat:
                    waited = 0.0
                    try:
                        self.keep_once()
                    except Exception:  # the keeper must outlive any one bad pass
                        logger.exception("Lease pass failed")
                tick = min(self.beat, 1.0)
                self._stopping.wait(tick)
                waited += tick
        finally:
            connection.close()  # this thread's own connection
