"""A Gradescope "Export Submissions", unzipped: ``submission_metadata.yml`` names each submission folder's
submitters (their sid, else email, else name; ``sid1+sid2`` for a group) and when it was made."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from seqlab.classroom.scan import (
    NOISE,
    ClassSubmission,
    Scan,
    holds_assignment,
    real_dir,
    real_file,
    submission_time,
    unsafe_id,
)
from seqlab.errors import SeqlabError, SubmissionNotFound

__all__ = ["METADATA_FILE", "export_root", "gradescope_submissions"]

#: The file that marks a Gradescope export.
METADATA_FILE = "submission_metadata.yml"
#: Keys of a Gradescope submitter, in the order they are tried as the student id.
ID_KEYS = ("sid", "email", "name")


def export_root(folder: Path) -> Path | None:
    """Where ``submission_metadata.yml`` is: ``folder``, or the only folder in it (an unzipped export)."""
    if real_file(folder / METADATA_FILE):
        return folder
    inside = [p for p in folder.iterdir() if not p.name.startswith(".") and p.name not in NOISE]
    if len(inside) == 1 and real_dir(inside[0]) and real_file(inside[0] / METADATA_FILE):
        return inside[0]
    return None


def _created_at(scan: Scan, folder: Path, metadata: Any) -> datetime | None:
    """Gradescope's ``:created_at`` of a submission, else None."""
    value = metadata.get(":created_at", metadata.get("created_at")) if isinstance(metadata, dict) else None
    moment = submission_time(value)
    if value is not None and moment is None:
        shown = str(value)[:40]
        scan.note(f"{scan.rel(folder)}/: created_at {shown!r} is not a time; the grading time is used")
    return moment


def _read_metadata(path: Path) -> dict[Any, Any]:
    try:
        import yaml
    except ImportError:
        raise SeqlabError(f"reading {METADATA_FILE} needs PyYAML: pip install pyyaml") from None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SubmissionNotFound(f"{path} cannot be read ({exc})") from None
    except yaml.YAMLError as exc:
        raise SubmissionNotFound(f"{path} is not valid YAML ({exc})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SubmissionNotFound(f"{path} is not a mapping of submission folders to their metadata")
    return data


def _submitter_ids(metadata: Any) -> list[str]:
    """Each submitter's sid, else email, else name (keys ``:sid`` as Gradescope writes them, or ``sid``)."""
    if not isinstance(metadata, dict):
        return []
    submitters = metadata.get(":submitters", metadata.get("submitters"))
    ids: list[str] = []
    for submitter in submitters if isinstance(submitters, list) else ():
        if not isinstance(submitter, dict):
            continue
        for key in ID_KEYS:
            value = submitter.get(f":{key}", submitter.get(key))
            text = "" if value is None or isinstance(value, bool | dict | list) else str(value).strip()
            if text:
                ids.append(text)
                break
    return ids


def gradescope_submissions(scan: Scan, root: Path, assignment: str) -> list[ClassSubmission]:
    metadata = _read_metadata(root / METADATA_FILE)
    present = {path.name: path for path in scan.entries(root)}
    found: list[ClassSubmission] = []
    for key in sorted(metadata, key=str):
        name = str(key)
        folder = root / name
        if unsafe_id(name) or name.startswith("."):
            scan.note(f"{METADATA_FILE}: {name!r} is not a submission folder name; skipped")
            continue
        if name not in present:
            if not folder.is_symlink():  # a link was noted by the listing
                scan.note(f"{name}: listed in {METADATA_FILE} but not in the export; skipped")
            continue
        if not folder.is_dir():
            scan.note(f"{scan.rel(folder)}: a file, not a submission folder; skipped")
            continue
        ids = _submitter_ids(metadata[key])
        student = "+".join(ids) if ids else name
        if not ids:
            scan.note(f"{scan.rel(folder)}/: no submitter in {METADATA_FILE}; its name is the student id")
        if unsafe_id(student):
            scan.note(f"{scan.rel(folder)}/: {student!r} is not a usable student id; skipped")
            continue
        inside = scan.entries(folder, quiet=True)
        if not inside:
            scan.note(f"{scan.rel(folder)}/ ({student}): empty submission folder; skipped")
            continue
        path = _gradescope_path(scan, folder, inside, assignment)
        found.append(ClassSubmission(student, assignment, path, _created_at(scan, folder, metadata[key])))
    for name, path in present.items():
        if name != METADATA_FILE and name not in {str(key) for key in metadata}:
            scan.note(f"{scan.rel(path)}: not listed in {METADATA_FILE}; skipped")
    return found


def _gradescope_path(scan: Scan, folder: Path, inside: list[Path], assignment: str) -> Path:
    """The submission folder, or the folder one level down holding the assignment (a zip or a repository)."""
    if holds_assignment(folder, assignment):
        return folder
    nested = [path for path in inside if path.is_dir() and holds_assignment(path, assignment)]
    if len(nested) > 1:
        others = ", ".join(scan.rel(path) for path in nested[1:])
        scan.note(
            f"{scan.rel(folder)}/: {assignment} is in several folders; {scan.rel(nested[0])} was taken, "
            f"not {others}"
        )
    if nested:
        return nested[0]
    scan.note(
        f"{scan.rel(folder)}/: no {assignment}.py or {assignment}.ipynb, nor one folder down; graded as it "
        "is, so its report says what is missing"
    )
    return folder
