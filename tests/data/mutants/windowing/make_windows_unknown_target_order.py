# mutant-of: make_windows
# mistake: wrong in a way no catalogue entry describes (the targets in reverse order): generic feedback only
_reference_make_windows = make_windows


def make_windows(*args, **kwargs):
    windows, targets = _reference_make_windows(*args, **kwargs)
    return windows, targets[::-1]
