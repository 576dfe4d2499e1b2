"""Course authoring: the course's layout, building notebooks and stubs, releasing assignments."""
