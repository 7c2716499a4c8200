"""The scheduled jobs of the weekly cycle, one module per job.

Each job is a plain function of (context, tick) returning an ``Outcome``; it
runs the same from the scheduler, the admin page (« lancer maintenant ») or
a test. ``veille.jobs.runner`` claims the slot, runs and records the job;
``veille.scheduler`` only wires the runner to APScheduler.
"""
