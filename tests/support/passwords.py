"""Password hashes as the original (Bun) writes them, for the adoption and login tests."""

from __future__ import annotations

import hashlib

import argon2
import bcrypt


def bun_argon2(password: str, kind: argon2.Type = argon2.Type.ID) -> str:
    """What Bun.password.hash writes by default (argon2id, m=65536, t=2, p=1, 32-byte
    salt and hash), or argon2i with the same parameters."""
    return argon2.PasswordHasher(
        time_cost=2, memory_cost=65536, parallelism=1, hash_len=32, salt_len=32, type=kind
    ).hash(password)


def bun_bcrypt(password: str, prefix: bytes = b"$2b$", cost: int = 4) -> str:
    """Bun's bcrypt (MCF): a password over 72 bytes is given as its SHA-512 digest."""
    secret = password.encode()
    if len(secret) > 72:
        secret = hashlib.sha512(secret).digest()
    hashed = bcrypt.hashpw(secret, bcrypt.gensalt(rounds=cost))
    return (prefix + hashed[4:]).decode()
