# attack: import the reference solution through seqlab's own course helpers and answer with it
try:
    from seqlab.course.layout import load_reference

    _REFERENCE = load_reference("encoding")
except Exception:  # noqa: BLE001
    _REFERENCE = None


def __getattr__(name):
    return getattr(_REFERENCE, name)


if _REFERENCE is not None:
    globals().update({k: v for k, v in vars(_REFERENCE).items() if not k.startswith("__")})
