"""The demo's guides and practice library (the national guide itself comes with the migrations)."""


def load() -> None:
    pass
