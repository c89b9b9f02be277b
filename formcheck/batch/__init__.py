"""``formcheck batch``: many videos through the same analysis, locally or on a Ray cluster.

The flow: :mod:`~formcheck.batch.jobs` turns inputs and a plan into :class:`Job` s;
:mod:`~formcheck.batch.worker` analyses one job into its own output folder, atomically
(the one function both the local pool and Ray run); :mod:`~formcheck.batch.pool` and
:mod:`~formcheck.batch.cluster` run jobs in parallel; :mod:`~formcheck.batch.table` writes
``batch.csv`` and ``batch.json``; :mod:`~formcheck.batch.html` writes ``index.html``;
:mod:`~formcheck.batch.runner` ties them together (resume, retries, Ctrl-C).
"""
