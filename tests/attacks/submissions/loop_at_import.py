# attack: never finish loading (an infinite loop at the top level)
while True:
    pass
