#!/usr/bin/env python3
"""Set up the project and run it, with nothing but Python 3.11 and git on the machine.

    python3 dev.py demo            # environment, database, demo data, server on 127.0.0.1:8000
    python3 dev.py test [ARGS…]    # environment, then the whole test suite (ARGS go to pytest)
    python3 dev.py check           # lint, format and missing-migration checks (CI runs them)

Both build `.venv` from `requirements.lock` (uv installed into the venv), and rebuild it only
when the lock changes.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".synced-lock"
UV_VERSION = "0.13.9"


def run(*args, env=None):
    print("→", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=True)


def ensure_environment():
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"Python 3.11 is required (this is {sys.version.split()[0]}).")
    if not (BIN / "python").exists():
        try:
            venv.create(VENV, with_pip=True)
        except subprocess.CalledProcessError:
            sys.exit("Could not create .venv: on Debian, install python3-venv first.")
    lock_hash = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == lock_hash:
        return
    if not (BIN / "uv").exists():
        run(BIN / "python", "-m", "pip", "install", "--quiet", f"uv=={UV_VERSION}")
    run(BIN / "uv", "pip", "sync", "--python", BIN / "python", LOCK)
    STAMP.write_text(lock_hash)


def manage(*args, env=None):
    run(BIN / "python", "manage.py", *args, env=env)


def demo():
    env = {**os.environ, "DEBUG": "true"}
    manage("compilemessages", env=env)
    manage("migrate", "--noinput", env=env)
    manage("demo", env=env)
    print("\nProgress runs on http://127.0.0.1:8000/ (Ctrl+C to stop).\n", flush=True)
    os.chdir(ROOT)
    os.execve(
        BIN / "python", [str(BIN / "python"), "manage.py", "runserver", "127.0.0.1:8000"], env
    )


def test(pytest_args):
    manage("compilemessages")
    os.chdir(ROOT)
    os.execv(BIN / "python", [str(BIN / "python"), "-m", "pytest", *pytest_args])


def check():
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    manage("makemigrations", "--check", "--dry-run")


def main():
    commands = {"demo": demo, "test": lambda: test(sys.argv[2:]), "check": check}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    ensure_environment()
    commands[sys.argv[1]]()


if __name__ == "__main__":
    main()
