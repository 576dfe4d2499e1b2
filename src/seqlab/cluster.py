"""Stable path of the Dask workers' preload: ``dask worker --preload seqlab.cluster`` (see
:func:`seqlab.classroom.dask_cluster.dask_setup`). The code lives in :mod:`seqlab.classroom.dask_cluster`."""

from seqlab.classroom.dask_cluster import dask_setup

__all__ = ["dask_setup"]
