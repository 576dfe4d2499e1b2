"""The trust boundary: the worker process that runs student code, its protocol, codec and sandbox."""
