"""Known mistakes: the catalogues, diagnosing a student's output, the public hints, the hint policy."""
