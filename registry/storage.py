"""The artifact store: model files behind Django's storage API (local disk or GCS).

``MODEL_REGISTRY_DIR`` is either a local path (``FileSystemStorage``) or ``gs://bucket/prefix``
(django-storages' ``GoogleCloudStorage``; the official client honours ``STORAGE_EMULATOR_HOST``,
and then anonymous credentials are used so the emulator needs no service account).

Layout, relative to the store's root::

    v1/model.json             coefficients, intercept, scaler (LinearModel.to_dict)
    v1/drift_reference.json   per-feature drift reference (core.drift.build_reference)
    v1/manifest.json          all DESIGN section 3 metadata + the SHA-256 of the two files above
    ACTIVE.json               mirror of the active pointer: {"version": "v3", "updated_at": ...}

Everything is JSON; nothing is ever pickled. The store is built lazily once per process from
settings (``artifact_store_reset`` drops it; ``/admin/reload`` and the tests call it).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage

from mlplatform.errors import ServiceUnavailable
from registry.models import VERSION_PATTERN

MODEL_FILE = "model.json"
DRIFT_FILE = "drift_reference.json"
MANIFEST_FILE = "manifest.json"
ACTIVE_POINTER = "ACTIVE.json"
#: Files hashed into the manifest (the manifest itself is hashed into the database row).
PAYLOAD_FILES: tuple[str, ...] = (MODEL_FILE, DRIFT_FILE)
#: Use ``fullmatch``: with ``match`` the ``$`` would also accept a trailing newline ("v1\n").
VERSION_RE = re.compile(VERSION_PATTERN)


class ArtifactStoreError(ServiceUnavailable):
    code = "artifact_store_unavailable"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def json_bytes(payload: Any) -> bytes:
    """Canonical JSON bytes (sorted keys, no NaN) so identical content hashes identically."""
    return json.dumps(payload, sort_keys=True, indent=1, allow_nan=False).encode("utf-8")


@dataclass(frozen=True)
class StoreLocation:
    kind: str  # "local" | "gcs"
    root: str  # local directory or "bucket/prefix"
    bucket: str = ""
    prefix: str = ""

    @property
    def url(self) -> str:
        return f"gs://{self.root}" if self.kind == "gcs" else self.root


def parse_registry_dir(value: str) -> StoreLocation:
    """Interpret ``MODEL_REGISTRY_DIR``: ``gs://bucket[/prefix]`` or a local path."""
    value = str(value).strip()
    if value.startswith("gs://"):
        rest = value[len("gs://") :].strip("/")
        bucket, _, prefix = rest.partition("/")
        if not bucket:
            raise ArtifactStoreError(f"MODEL_REGISTRY_DIR {value!r} names no bucket")
        return StoreLocation(kind="gcs", root=rest, bucket=bucket, prefix=prefix.strip("/"))
    return StoreLocation(kind="local", root=os.path.abspath(value))


def _build_storage(location: StoreLocation) -> Storage:
    if location.kind == "local":
        os.makedirs(location.root, exist_ok=True)
        return FileSystemStorage(location=location.root, allow_overwrite=True)
    from storages.backends.gcloud import GoogleCloudStorage

    options: dict[str, Any] = {
        "bucket_name": location.bucket,
        "location": location.prefix,
        "file_overwrite": True,
        "querystring_auth": False,
    }
    if os.environ.get("STORAGE_EMULATOR_HOST"):
        from google.auth.credentials import AnonymousCredentials

        options["credentials"] = AnonymousCredentials()
        options["project_id"] = os.environ.get("GOOGLE_CLOUD_PROJECT", "local-emulator")
    return GoogleCloudStorage(**options)


class ArtifactStore:
    """Thin, typed wrapper over a Django ``Storage`` with the registry's file layout."""

    def __init__(self, storage: Storage, location: StoreLocation) -> None:
        self.storage = storage
        self.location = location

    def __repr__(self) -> str:
        return f"ArtifactStore({self.location.url})"

    @staticmethod
    def path(version: str, filename: str) -> str:
        return f"{version}/{filename}"

    def write_bytes(self, name: str, data: bytes) -> None:
        try:
            saved = self.storage.save(name, ContentFile(data))
            if saved != name:  # a backend that renames instead of overwriting would split us
                raise ArtifactStoreError(f"storage saved {name} as {saved}")
        except Exception as exc:  # storage backends raise many kinds of errors
            raise ArtifactStoreError(f"cannot write {name} to {self.location.url}: {exc}") from exc

    def write_json(self, name: str, payload: Any) -> str:
        """Write canonical JSON; returns its SHA-256."""
        data = json_bytes(payload)
        self.write_bytes(name, data)
        return sha256_hex(data)

    def read_bytes(self, name: str) -> bytes:
        """The file's bytes; raises ``FileNotFoundError`` when it does not exist."""
        try:
            with self.storage.open(name, "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            raise
        except Exception as exc:
            if type(exc).__name__ == "NotFound":
                raise FileNotFoundError(name) from exc
            raise ArtifactStoreError(f"cannot read {name} from {self.location.url}: {exc}") from exc

    def exists(self, name: str) -> bool:
        try:
            return bool(self.storage.exists(name))
        except Exception as exc:
            raise ArtifactStoreError(f"cannot reach {self.location.url}: {exc}") from exc

    def delete(self, name: str) -> None:
        self.storage.delete(name)

    def version_folders(self) -> list[str]:
        """Labels of the ``vN/`` folders present in the store, oldest first."""
        try:
            if self.location.kind == "local" and not os.path.isdir(self.location.root):
                return []
            dirs, _files = self.storage.listdir("")
        except FileNotFoundError:
            return []
        except Exception as exc:
            raise ArtifactStoreError(f"cannot list {self.location.url}: {exc}") from exc
        labels = [name for name in dirs if VERSION_RE.fullmatch(name)]
        return sorted(labels, key=lambda label: int(label[1:]))

    def max_version_number(self) -> int:
        folders = self.version_folders()
        return int(folders[-1][1:]) if folders else 0

    def read_active_pointer(self) -> str | None:
        try:
            payload = json.loads(self.read_bytes(ACTIVE_POINTER))
        except FileNotFoundError:
            return None
        except ValueError:
            return None
        version = payload.get("version") if isinstance(payload, dict) else None
        return version if isinstance(version, str) and VERSION_RE.fullmatch(version) else None

    def write_active_pointer(self, version: str | None, *, updated_at: str) -> None:
        self.write_json(ACTIVE_POINTER, {"version": version, "updated_at": updated_at})

    def probe(self) -> dict[str, Any]:
        """Write, read back and delete a small file: proves the store is reachable and writable."""
        name = f".probe-{os.getpid()}-{threading.get_ident()}"
        data = b"ok"
        self.write_bytes(name, data)
        try:
            if self.read_bytes(name) != data:
                raise ArtifactStoreError(f"{self.location.url} returned different bytes")
        finally:
            self.delete(name)
        return {"kind": self.location.kind, "location": self.location.url}


_lock = threading.Lock()
_store: ArtifactStore | None = None
_store_key: str | None = None


def artifact_store() -> ArtifactStore:
    """The process-wide store for the current ``MODEL_REGISTRY_DIR`` (built on first use)."""
    global _store, _store_key
    key = str(settings.MODEL_REGISTRY_DIR)
    store = _store
    if store is not None and _store_key == key:
        return store
    with _lock:
        if _store is None or _store_key != key:
            location = parse_registry_dir(key)
            _store = ArtifactStore(_build_storage(location), location)
            _store_key = key
        return _store


def artifact_store_reset() -> None:
    global _store, _store_key
    with _lock:
        _store = None
        _store_key = None
