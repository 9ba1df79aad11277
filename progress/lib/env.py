"""Read settings from the environment, strictly: a typo must fail at start-up, not in production."""

import os

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"true", "false"}:
        return value.lower() == "true"
    raise ImproperlyConfigured(f"{name} must be 'true' or 'false', not {value!r}.")


def env_list(name: str, *, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
