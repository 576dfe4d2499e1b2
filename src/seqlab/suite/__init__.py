"""Running a hidden pytest suite against a worker-backed submission: runner, plugin, GPU, replay."""
