"""Backing up and restoring everything the office keeps: the database and the uploaded files.

One archive (``safetyplan-backup-<time>.tar.gz``) holds:

- ``manifest.json``: when, by which versions, the database format, the row count of every model
  and the SHA-256 of every other member of the archive;
- the database: ``database.sqlite3`` (SQLite, copied with its online backup API, so the app can
  keep running), ``database.pgdump`` (PostgreSQL, ``pg_dump`` custom format) or, when
  ``pg_dump`` is not installed, ``database.json`` (``dumpdata`` with natural foreign keys);
- ``media/``: every uploaded file (notices, evidence, 督办单) under MEDIA_ROOT.

``restore`` checks every checksum before touching anything, refuses to overwrite a database that
holds data unless told to (``--yes``), brings the database and the files back, moves the files it
replaces aside (never deletes them) and checks the row counts against the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core import management, serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DB_FILES = {"sqlite": "database.sqlite3", "pg_dump": "database.pgdump", "json": "database.json"}
# Rebuilt by ``migrate`` on every database; dumping them would clash with what is already there.
JSON_EXCLUDE = ["contenttypes.contenttype", "auth.permission"]
# A database "has data" when one of these holds a row (migrations alone create roles and such).
DATA_MODELS = ["auth.user", "units.jurisdiction", "units.unit", "tasks.notice"]


class BackupError(Exception):
    """What went wrong, in Chinese, for the person running the command."""


@dataclass
class RestoreResult:
    manifest: dict
    counts: dict[str, int]
    replaced_media: Path | None
    warnings: list[str] = field(default_factory=list)


# --- helpers -----------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _app_version() -> str:
    try:
        from importlib.metadata import version

        return version("safetyplan")
    except Exception:
        pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
        for line in pyproject.read_text(encoding="utf-8").splitlines():
            if line.startswith("version"):
                return line.split("=", 1)[1].strip().strip('"')
    return ""


def _models() -> list:
    """Every model with a table of its own (many-to-many tables too), by label."""
    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]
    return sorted(models, key=lambda m: m._meta.label_lower)


def model_counts() -> dict[str, int]:
    """Rows per model (``app_label.model``), every installed model, sorted."""
    return {
        model._meta.label_lower: model._default_manager.using(connection.alias).count()
        for model in _models()
    }


def applied_migrations() -> dict[str, str]:
    """The last applied migration of each app."""
    last: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > last.get(app, ""):
            last[app] = name
    return dict(sorted(last.items()))


def database_has_data() -> bool:
    return any(apps.get_model(label)._default_manager.exists() for label in DATA_MODELS)


def _pg_env() -> dict[str, str]:
    s = connection.settings_dict
    env = {**os.environ, "PGDATABASE": s["NAME"]}
    for key, var in [("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")]:
        if s.get(key):
            env[var] = str(s[key])
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return env


def _run(args: list[str], what: str) -> None:
    done = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{what}失败：{done.stderr.strip()[:500]}")


# --- backup --------------------------------------------------------------------------------------


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to milliseconds)."""

    def default(self, o):
        if isinstance(o, (dt.datetime, dt.time)):
            return o.isoformat()
        return super().default(o)


def _dump_json(path: Path) -> None:
    """Like ``dumpdata --natural-foreign``, every row of every model but those ``migrate`` makes."""
    app_list = [
        (config, [m for m in config.get_models() if m in _models()])
        for config in apps.get_app_configs()
        if config.label != "contenttypes"
    ]
    models = [
        m
        for m in serializers.sort_dependencies(app_list, allow_cycles=True)
        if m._meta.label_lower not in JSON_EXCLUDE
    ]
    rows = itertools.chain.from_iterable(
        m._base_manager.using(connection.alias).order_by(m._meta.pk.name).iterator() for m in models
    )
    with path.open("w", encoding="utf-8") as out:
        serializers.serialize(
            "json", rows, stream=out, cls=_Encoder, use_natural_foreign_keys=True, indent=1
        )


def _dump_database(workdir: Path, *, as_json: bool) -> tuple[str, dict[str, int]]:
    """Write the database into ``workdir``; return its format (a key of ``DB_FILES``) and the
    row counts, both from the same snapshot of the data.

    SQLite: the online backup API; PostgreSQL: ``pg_dump`` if installed; else (or ``as_json``)
    JSON that ``loaddata`` reads on any database of the same schema.
    """
    if connection.vendor == "sqlite" and not as_json:
        connection.ensure_connection()
        target = sqlite3.connect(workdir / DB_FILES["sqlite"])
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        # Count the copy itself: what the archive holds, whatever was written meanwhile.
        copy = sqlite3.connect(workdir / DB_FILES["sqlite"])
        try:
            counts = {
                model._meta.label_lower: copy.execute(
                    f'SELECT COUNT(*) FROM "{model._meta.db_table}"'
                ).fetchone()[0]
                for model in _models()
            }
        finally:
            copy.close()
        return "sqlite", counts
    use_pg_dump = (
        connection.vendor == "postgresql" and not as_json and shutil.which("pg_dump") is not None
    )
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        snapshot = None
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for the counts, dumpdata and pg_dump (which joins it).
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
        counts = model_counts()
        if use_pg_dump:
            args = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                    "--file", str(workdir / DB_FILES["pg_dump"])]  # fmt: skip
            if snapshot:
                args.append(f"--snapshot={snapshot}")
            _run(args, "pg_dump 导出数据库")
            return "pg_dump", counts
        _dump_json(workdir / DB_FILES["json"])
        return "json", counts


def backup(output_dir: Path | str, *, as_json: bool = False) -> Path:
    """Write one archive with the database, the uploaded files and a manifest; return its path."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    now = timezone.localtime()
    archive = output_dir / f"safetyplan-backup-{now:%Y%m%d-%H%M%S}.tar.gz"
    n = 1
    while archive.exists():
        n += 1
        archive = output_dir / f"safetyplan-backup-{now:%Y%m%d-%H%M%S}-{n}.tar.gz"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="safetyplan-backup-") as tmp:
        workdir = Path(tmp)
        db_format, counts = _dump_database(workdir, as_json=as_json)
        db_name = DB_FILES[db_format]
        files = {db_name: _sha256(workdir / db_name)}
        media_files = (
            sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []
        )
        for path in media_files:
            files[f"{MEDIA}/{path.relative_to(media_root).as_posix()}"] = _sha256(path)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": now.isoformat(),
            "app_version": _app_version(),
            "django_version": django.get_version(),
            "python_version": platform.python_version(),
            "database": {"vendor": connection.vendor, "format": db_format, "file": db_name},
            "migrations": applied_migrations(),
            "counts": counts,
            "files": files,
        }
        partial = archive.with_name(archive.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(now.timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(workdir / db_name, arcname=db_name)
            for path in media_files:
                tar.add(path, arcname=f"{MEDIA}/{path.relative_to(media_root).as_posix()}")
        partial.replace(archive)
    return archive


# --- restore -------------------------------------------------------------------------------------


def read_manifest(archive: Path | str) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            return json.loads(member.read().decode("utf-8"))
    except FileNotFoundError:
        raise BackupError(f"找不到备份文件：{archive}") from None
    except (tarfile.TarError, KeyError, OSError, EOFError, ValueError):
        raise BackupError(f"“{archive}”不是本系统的备份文件，或文件已损坏。") from None


def _extract(archive: Path, manifest: dict, into: Path) -> None:
    """Unpack and check every member against the manifest; nothing outside ``into``."""
    expected = manifest.get("files", {})
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                if member.name != MANIFEST and member.name not in expected:
                    raise BackupError(f"备份文件中有清单之外的内容：{member.name}，已停止恢复。")
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"备份文件已损坏，无法解开：{exc}") from None
    for name, digest in expected.items():
        path = into / name
        if not path.is_file():
            raise BackupError(f"备份文件不完整，缺少：{name}。")
        if _sha256(path) != digest:
            raise BackupError(f"备份文件已损坏：{name} 的校验值与清单不符。")


def _restore_sqlite(path: Path) -> None:
    if connection.vendor != "sqlite":
        raise BackupError(
            "该备份来自 SQLite 数据库，当前使用的是 "
            f"{connection.vendor}，不能直接恢复。请在 SQLite 上恢复后用 backup --json 重新备份，"
            "再到这里恢复。"
        )
    connection.ensure_connection()
    source = sqlite3.connect(path)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


def _restore_pg_dump(path: Path) -> None:
    if connection.vendor != "postgresql":
        raise BackupError(
            f"该备份是 PostgreSQL 的 pg_dump 文件，当前使用的是 {connection.vendor}，不能直接恢复。"
        )
    if shutil.which("pg_restore") is None:
        raise BackupError("找不到 pg_restore 命令，请先安装 PostgreSQL 客户端工具。")
    connection.close()
    _run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--single-transaction", "--exit-on-error", "--dbname", connection.settings_dict["NAME"],
         str(path)],
        "pg_restore 恢复数据库",
    )  # fmt: skip


def _restore_json(path: Path, manifest: dict) -> None:
    if manifest.get("migrations") != applied_migrations():
        raise BackupError(
            "该备份（JSON 格式）的数据库结构与当前不同。请先将程序切换到备份时的版本并执行 "
            "python manage.py migrate，恢复后再升级。"
        )
    with transaction.atomic():
        for model in _models():
            if model._meta.label_lower not in JSON_EXCLUDE:
                model._base_manager.all()._raw_delete(connection.alias)
        management.call_command("loaddata", str(path), verbosity=0)


def _restore_media(source: Path) -> Path | None:
    """Put the archive's files in MEDIA_ROOT; the files there before are moved aside."""
    media_root = Path(settings.MEDIA_ROOT)
    replaced = None
    if media_root.exists() and any(media_root.iterdir()):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        replaced = media_root.with_name(f"{media_root.name}.before-restore-{stamp}")
        n = 1
        while replaced.exists():
            n += 1
            replaced = media_root.with_name(f"{media_root.name}.before-restore-{stamp}-{n}")
        replaced.mkdir()
        # Move the contents, not the folder: MEDIA_ROOT may be a mount point.
        for child in list(media_root.iterdir()):
            shutil.move(str(child), str(replaced / child.name))
    media_root.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, media_root, dirs_exist_ok=True)
    return replaced


def restore(archive: Path | str, *, overwrite: bool = False) -> RestoreResult:
    """Bring back the database and uploaded files of ``archive``, exactly as they were."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    if manifest.get("format") != FORMAT_VERSION or "database" not in manifest:
        raise BackupError(f"“{archive.name}”的格式（{manifest.get('format')}）本程序不能识别。")
    if database_has_data() and not overwrite:
        raise BackupError(
            "当前数据库中已有数据，恢复将用备份覆盖全部数据和上传文件。"
            "确认要覆盖，请加 --yes 重新执行。"
        )
    warnings: list[str] = []
    with tempfile.TemporaryDirectory(prefix="safetyplan-restore-") as tmp:
        workdir = Path(tmp)
        _extract(archive, manifest, workdir)
        db = manifest["database"]
        db_path = workdir / db["file"]
        if db["format"] == "sqlite":
            _restore_sqlite(db_path)
        elif db["format"] == "pg_dump":
            _restore_pg_dump(db_path)
        elif db["format"] == "json":
            _restore_json(db_path, manifest)
        else:
            raise BackupError(f"未知的数据库备份格式：{db['format']}")
        replaced = _restore_media(workdir / MEDIA)
    counts = model_counts()
    for label, expected in manifest.get("counts", {}).items():
        if label in JSON_EXCLUDE and db["format"] == "json":
            continue
        if label in counts and counts[label] != expected:
            warnings.append(f"{label}：备份中 {expected} 条，恢复后 {counts[label]} 条")
    if warnings:
        raise BackupError("恢复后的记录数与备份清单不符：" + "；".join(warnings))
    newer = {
        app: name
        for app, name in _code_migrations().items()
        if name > manifest.get("migrations", {}).get(app, "")
    }
    if newer:
        warnings.append(
            "本程序比备份新，有备份中没有的数据库迁移，请执行 python manage.py migrate。"
        )
    return RestoreResult(
        manifest=manifest, counts=counts, replaced_media=replaced, warnings=warnings
    )


def _code_migrations() -> dict[str, str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    last: dict[str, str] = {}
    for app, name in loader.disk_migrations:
        if name > last.get(app, ""):
            last[app] = name
    return last


def created_at(manifest: dict) -> str:
    """The manifest's time as 2024年3月1日 14:05."""
    try:
        when = timezone.localtime(dt.datetime.fromisoformat(manifest["created_at"]))
    except (KeyError, ValueError, TypeError):
        return "（未知时间）"
    return f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}"
