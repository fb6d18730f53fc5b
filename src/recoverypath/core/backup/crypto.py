"""The encrypted container of a backup: a stream of Fernet tokens, each one part of the payload.

Fernet (cryptography's AES-128-CBC + HMAC-SHA256 recipe) authenticates each part; the framing
makes the whole stream tamper-evident too. Every part's plaintext starts with a header (the
backup's random 16-byte id, the part's index, its kind), so parts cannot be reordered, dropped,
or spliced in from another backup without failing here, and the manifest is always the last part,
so a file cut short is detected. Parts are at most CHUNK bytes: memory stays bounded however
large the database.

File: MAGIC, then per part a 4-byte big-endian length and the Fernet token.
"""

from __future__ import annotations

import binascii
import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

MAGIC = b"RPBACKUP\x00\x01"
CHUNK = 1 << 20
DATA = b"D"
MANIFEST = b"M"
_HEADER = struct.Struct(">16sQc")
_LENGTH = struct.Struct(">I")
_MAX_TOKEN = 2 * CHUNK + 4096  # base64 of a full part plus Fernet's overhead, with room


class BackupError(Exception):
    """A backup cannot be made, read or restored; the message says why and what to do."""


class BackupKeyError(BackupError):
    pass


def generate_key() -> str:
    return Fernet.generate_key().decode()


def fernet_from(value: str) -> MultiFernet:
    """BACKUP_KEY: one key, or several separated by commas (the first encrypts new backups, all
    decrypt: rotate by putting a new key first). Raises BackupKeyError."""
    keys = [part.strip() for part in (value or "").split(",") if part.strip()]
    if not keys:
        raise BackupKeyError(
            "BACKUP_KEY is not set. Generate one with `recoverypath backup --generate-key` and "
            "keep a copy apart from the backups: without it they cannot be restored."
        )
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, binascii.Error) as exc:
        raise BackupKeyError(
            "BACKUP_KEY is not a valid key (32 url-safe base64-encoded bytes). Generate one with "
            "`recoverypath backup --generate-key`."
        ) from exc


class EncryptedWriter:
    """Writes the payload in encrypted parts of at most CHUNK bytes; `finish` adds the manifest."""

    def __init__(self, out: BinaryIO, fernet: MultiFernet):
        self.out = out
        self.fernet = fernet
        self.backup_id = os.urandom(16)
        self.index = 0
        self.buffer = bytearray()
        self.written = len(MAGIC)
        out.write(MAGIC)

    def write(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= CHUNK:
            self._part(DATA, bytes(self.buffer[:CHUNK]))
            del self.buffer[:CHUNK]

    def finish(self, manifest: bytes) -> None:
        if self.buffer:
            self._part(DATA, bytes(self.buffer))
            self.buffer.clear()
        self._part(MANIFEST, manifest)
        self.out.flush()

    def _part(self, kind: bytes, data: bytes) -> None:
        token = self.fernet.encrypt(_HEADER.pack(self.backup_id, self.index, kind) + data)
        self.out.write(_LENGTH.pack(len(token)))
        self.out.write(token)
        self.written += _LENGTH.size + len(token)
        self.index += 1


def read_parts(stream: BinaryIO, fernet: MultiFernet) -> Iterator[tuple[bytes, bytes]]:
    """Yield (kind, plaintext) for every part, checking order and completeness. Raises
    BackupKeyError for a wrong key, BackupError for a damaged, altered or truncated file."""
    if stream.read(len(MAGIC)) != MAGIC:
        raise BackupError("This is not a RecoveryPath backup file (or its start is damaged).")
    backup_id = None
    index = 0
    finished = False
    while True:
        raw_length = stream.read(_LENGTH.size)
        if not raw_length:
            break
        if finished:
            raise BackupError("The backup has data after its manifest: the file was altered.")
        if len(raw_length) < _LENGTH.size:
            raise BackupError("The backup is cut short: the file is incomplete.")
        (length,) = _LENGTH.unpack(raw_length)
        if length > _MAX_TOKEN:
            raise BackupError(f"Part {index} of the backup is damaged (impossible length).")
        token = stream.read(length)
        if len(token) < length:
            raise BackupError("The backup is cut short: the file is incomplete.")
        try:
            plain = fernet.decrypt(token)
        except InvalidToken as exc:
            if index == 0:
                raise BackupKeyError(
                    "This backup cannot be decrypted with BACKUP_KEY: it was made with another "
                    "key (or the file is damaged). Set BACKUP_KEY to the key in use when the "
                    "backup was made."
                ) from exc
            raise BackupError(
                f"Part {index} of the backup failed its integrity check: the file was altered "
                "or damaged."
            ) from exc
        if len(plain) < _HEADER.size:
            raise BackupError(f"Part {index} of the backup is damaged.")
        part_backup_id, part_index, kind = _HEADER.unpack_from(plain)
        backup_id = backup_id or part_backup_id
        if part_backup_id != backup_id or part_index != index:
            raise BackupError("The backup's parts are out of order or mixed with another backup.")
        index += 1
        finished = kind == MANIFEST
        yield kind, plain[_HEADER.size :]
    if not finished:
        raise BackupError(
            "The backup is incomplete: its manifest (the last part) is missing, so it was cut "
            "short."
        )
