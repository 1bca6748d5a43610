"""``make image-test``'s progress: one line per step on stdout, printed as it happens (a step can take minutes)."""


def log(message: str) -> None:
    """Print one progress line."""
    print(f"image-test: {message}", flush=True)
