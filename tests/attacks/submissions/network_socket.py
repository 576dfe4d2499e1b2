# attack: open network connections (to exfiltrate inputs, or to fetch answers)
import socket


def tokenize(text, level="word"):
    results = []
    for host, port in (("127.0.0.1", 22), ("8.8.8.8", 53), ("localhost", 8888)):
        try:
            with socket.create_connection((host, port), timeout=1):
                results.append(f"{host}:{port} open")
        except OSError as exc:
            results.append(f"{host}:{port} {type(exc).__name__}")
    return results
