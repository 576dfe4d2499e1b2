"""Private home of the shared hypothesis strategies; the public face is :mod:`seqlab.strategies`."""
