# attack: sitecustomize.py and a .pth file next to the submission, hoping Python runs them at start-up
def tokenize(text, level="word"):
    return ["wrong"]
