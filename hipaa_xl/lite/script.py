"""Placeholder: the Lite "Refresh exposure" script."""


def refresh_exposure(book: object) -> None:
    """Not yet."""
