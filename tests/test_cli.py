"""The command line: createadmin (and its refusals)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys

from settings import BASE_DIR


async def _run(env: dict[str, str], *args: str, stdin: str = "") -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "main.py",
        *args,
        cwd=BASE_DIR,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate(stdin.encode())
    return process.returncode, out.decode()


async def test_createadmin_creates_and_resets_a_staff_admin(tmp_path):
    database = tmp_path / "cli.sqlite3"
    env = {
        **os.environ,
        "ENV": "development",
        "DATABASE_URL": f"sqlite://{database}",
        "REDIS_URL": "memory://",
    }
    assert (await _run(env, "migrate"))[0] == 0

    created, _ = await _run(
        env,
        "createadmin",
        "--username",
        "boss",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    reset, _ = await _run(
        env,
        "createadmin",
        "--username",
        "boss",
        "--password-stdin",
        stdin="another long password\n",
    )
    too_short, output = await _run(
        env, "createadmin", "--username", "boss", "--password-stdin", stdin="short\n"
    )

    assert (created, reset) == (0, 0)
    assert too_short != 0 and "Password must be" in output
    with sqlite3.connect(database) as conn:
        rows = conn.execute(
            "SELECT role, password_hash FROM user WHERE username = 'boss'"
        ).fetchall()
    assert len(rows) == 1
    role, password_hash = rows[0]
    assert role == "ADMIN" and password_hash.startswith("$argon2id$")
    assert "long" not in password_hash
