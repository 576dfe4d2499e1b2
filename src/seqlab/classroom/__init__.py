"""A whole class: finding submissions, the gradebook, grading on a pool or a Dask cluster, the report."""
