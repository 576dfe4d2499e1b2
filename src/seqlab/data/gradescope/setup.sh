#!/usr/bin/env bash
# Gradescope autograder setup for the seqlab assignment "@@ASSIGNMENT@@", written by
# `seqlab export gradescope` (seqlab @@VERSION@@). Gradescope runs it once, as root, on its Ubuntu image
# when the autograder is built, with the unpacked zip in /autograder/source.
#
# It installs bubblewrap (the worker's sandbox; best effort), a Python >= 3.11 with venv, and this
# folder's seqlab project into a virtual environment with the course's constraints.txt; hides grader/ and
# solutions/ from other users; then grades the reference once, which checks the installation and records
# the generated examples that later gradings replay (see "Determinism" in docs/operators.rst).
#
# Environment: SEQLAB_VENV (default /opt/seqlab-venv) is where the virtual environment goes;
# run_autograder reads the same variable.
set -euo pipefail

assignment=@@ASSIGNMENT@@
grade_options=(@@GRADE_OPTIONS@@)
pip_targets=(@@PIP_TARGETS@@)
pip_options=(@@PIP_OPTIONS@@)
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${SEQLAB_VENV:-/opt/seqlab-venv}"

say() { printf '== %s\n' "$*"; }

have_python() { # a Python >= 3.11 by this name
  command -v "$1" >/dev/null 2>&1 && "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}

pick_python() {
  local candidate
  for candidate in python3 python3.13 python3.12 python3.11; do
    if have_python "$candidate"; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

apt_install() { # apt_install PACKAGE...: true when every package got installed
  command -v apt-get >/dev/null 2>&1 || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

if command -v apt-get >/dev/null 2>&1; then
  say "apt-get update"
  DEBIAN_FRONTEND=noninteractive apt-get update || echo "apt-get update failed; trying the installed lists"
fi

say "system package: bubblewrap (the worker's filesystem and network sandbox; best effort)"
if ! command -v bwrap >/dev/null 2>&1; then
  apt_install bubblewrap \
    || echo "bubblewrap could not be installed: grading uses the isolation layers that remain"
fi

say "Python >= 3.11 with venv"
if ! python="$(pick_python)"; then
  apt_install python3 python3-venv || true
  if ! python="$(pick_python)"; then
    # Ubuntu 22.04's python3 is 3.10; its universe has python3.11.
    apt_install python3.11 python3.11-venv || true
    python="$(pick_python)" || { echo "setup.sh: no Python >= 3.11 could be installed" >&2; exit 1; }
  fi
fi
echo "using $python ($("$python" -V 2>&1))"
rm -rf "$venv"
if ! "$python" -m venv "$venv"; then
  # Debian and Ubuntu ship ensurepip separately, as python3-venv / python3.X-venv.
  version="$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
  apt_install "python${version}-venv" || apt_install python3-venv || true
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi

say "install seqlab and its dependencies into $venv"
"$venv/bin/python" -m pip install --upgrade pip
(cd "$source_dir" && "$venv/bin/python" -m pip install "${pip_options[@]}" -c constraints.txt "${pip_targets[@]}")
# The worker runs student code as an unprivileged user: it must read the environment, and nothing of the
# course (grader/ holds the hidden suite, solutions/ the reference; the grader itself runs as root).
chmod -R a+rX "$venv"
chmod -R go-rwx "$source_dir/grader" "$source_dir/solutions"

say "isolation layers on this machine"
"$venv/bin/python" -P -m seqlab.cli probe || true

say "grade the reference (checks the installation, records the examples later gradings replay)"
check="$(mktemp -d)"
trap 'rm -rf "$check"' EXIT
SEQLAB_COURSE_ROOT="$source_dir" "$venv/bin/python" -P -m seqlab.cli grade "$source_dir/solutions/$assignment" \
  --assignment "$assignment" --format json --out "$check/report.json" "${grade_options[@]}"
"$venv/bin/python" - "$check/report.json" <<'PYTHON'
import json
import sys

report = json.load(open(sys.argv[1], encoding="utf-8"))
tests = [test for function in report["functions"] for test in function["tests"]]
# GPU checks cannot run here (no CUDA device); by the 'zero' policy they fail, and that is expected.
not_run = set(report.get("extra", {}).get("gpu", {}).get("not_run_tests", []))
lost = [t for t in tests if t["outcome"] == "failed" and t["id"] not in not_run]
print(f"reference: {len(tests) - len(lost)} of {len(tests)} tests as expected")
for test in lost:
    print(f"  FAILED {test['id']}: {test['message']}")
if lost or not tests:
    sys.exit("setup.sh: the reference does not score full marks here; the autograder would be wrong")
PYTHON
say "done"
