"""The executor of the scheduler process: each run in the app's context, told its due time.

APScheduler knows the time a run is for (its slot) but does not pass it to the job;
Flask-APScheduler keeps the app but leaves the context to the job. This executor
does both, so every job function is a plain function of the app.
"""

from apscheduler.executors.pool import ThreadPoolExecutor


class _Run:
    """The job as APScheduler sees it, its call made in ``app``'s context with ``due``."""

    def __init__(self, job, app, due):
        self._job, self._app, self._due = job, app, due
        self.args, self.kwargs = (), {}

    def func(self):
        with self._app.app_context():
            return self._job.func(*self._job.args, due=self._due, **self._job.kwargs)

    def __getattr__(self, name):
        return getattr(self._job, name)

    def __str__(self):
        return str(self._job)


class SlotExecutor(ThreadPoolExecutor):
    def __init__(self, app, max_workers: int = 4):
        super().__init__(max_workers)
        self.app = app

    def _do_submit_job(self, job, run_times):
        # Coalesced jobs get only their latest due time; that is the slot the run is for.
        super()._do_submit_job(_Run(job, self.app, run_times[-1]), run_times[-1:])
