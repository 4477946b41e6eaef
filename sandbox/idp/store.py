"""PostgreSQL persistence of the reference IDP: users and sessions."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from psycopg_pool import AsyncConnectionPool

from sandbox.idp.metrics import DB_QUERY

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
"""


def hash_password(password: str, salt: bytes | None = None) -> str:
    """scrypt with a random salt, stored as ``salt$hash`` in hex."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"{salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    salt_hex, _, _ = stored.partition("$")
    return hmac.compare_digest(hash_password(password, bytes.fromhex(salt_hex)), stored)


class Store:
    """Users and sessions in PostgreSQL, through an async connection pool."""

    def __init__(self, pool: AsyncConnectionPool) -> None:
        self.pool = pool

    async def migrate(self, seed_users: dict[str, str]) -> None:
        async with self.pool.connection() as conn:
            await conn.execute(SCHEMA)
            for username, password in seed_users.items():
                await conn.execute(
                    "INSERT INTO users (username, password_hash) VALUES (%s, %s)"
                    " ON CONFLICT (username) DO NOTHING",
                    (username, hash_password(password)),
                )

    async def check_credentials(self, username: str, password: str) -> bool:
        with DB_QUERY.labels("select").time():
            row = await self._password_hash(username)
        return row is not None and verify_password(password, row[0])

    async def _password_hash(self, username: str) -> tuple[str] | None:
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT password_hash FROM users WHERE username = %s", (username,)
            )
            row = await cur.fetchone()
        return None if row is None else (str(row[0]),)

    async def open_session(self, username: str) -> str:
        token = secrets.token_urlsafe(32)
        async with self.pool.connection() as conn:
            await conn.execute(
                "INSERT INTO sessions (token, username) VALUES (%s, %s)", (token, username)
            )
        return token

    async def session_user(self, token: str) -> str | None:
        async with self.pool.connection() as conn:
            cur = await conn.execute("SELECT username FROM sessions WHERE token = %s", (token,))
            row = await cur.fetchone()
        return None if row is None else str(row[0])

    async def close_session(self, token: str) -> None:
        async with self.pool.connection() as conn:
            await conn.execute("DELETE FROM sessions WHERE token = %s", (token,))

    async def ping(self) -> None:
        async with self.pool.connection() as conn:
            await conn.execute("SELECT 1")
