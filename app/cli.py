"""The `tantou` command."""

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from app.accounts.models import Role
from app.backup.errors import BackupError
from app.core.config import Settings
from app.core.db import create_db_engine, session_scope
from app.core.errors import AppError
from app.core.messages import DEFAULT_LANGUAGE
from app.core.metrics import MULTIPROC_DIR_VARIABLE, clear_multiprocess_dir
from app.core.migrations import upgrade_to_head
from app.core.request_log import configure_logging


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tantou` console script."""
    parser = argparse.ArgumentParser(prog="tantou", description="探头 Tantou")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate, then serve the API and web apps")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes (default: one per core)",
    )

    commands.add_parser("migrate", help="apply pending migrations")

    user = commands.add_parser("create-user", help="create an active account")
    user.add_argument("--role", required=True, choices=[r.value for r in Role])
    user.add_argument("--username", required=True)
    user.add_argument("--password", required=True)
    user.add_argument("--grid", action="append", default=[], help="area code a coordinator owns")
    user.add_argument("--unit", help="handling unit code of a unit account")

    grids = commands.add_parser("import-grids", help="create or update grids from GeoJSON")
    grids.add_argument("file", type=Path)

    demo = commands.add_parser("demo", help="seed the Fengyang demo county")
    demo.add_argument("--if-empty", action="store_true", help="only if there are no accounts")

    backup = commands.add_parser(
        "backup", help="write a consistent copy of the database and photos (safe while serving)"
    )
    backup.add_argument("dir", type=Path, help="a new or empty directory")
    restore = commands.add_parser("restore", help="restore a backup into an empty data dir")
    restore.add_argument("dir", type=Path, help="a directory written by tantou backup")
    commands.add_parser(
        "rebuild-figures", help="recompute every rollup behind the figures from the reports"
    )

    args = parser.parse_args(argv)
    if args.command == "serve":
        configure_logging()  # before the settings, which may make (and log) the secret key
    settings = Settings()
    try:
        return _run(args, settings)
    except AppError as exc:
        print(f"error: {exc.detail.render(DEFAULT_LANGUAGE)}", file=sys.stderr)
        for field, message in exc.errors or []:
            print(f"  {field}: {message.render(DEFAULT_LANGUAGE)}", file=sys.stderr)
        return 1
    except BackupError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        return _serve(settings, args.host, args.port, args.workers)
    # Neither migrates: a backup copies the database as it is, a restore needs it empty.
    if args.command == "backup":
        return _backup(settings, args.dir)
    if args.command == "restore":
        return _restore(settings, args.dir)
    upgrade_to_head(settings.resolved_database_url)
    if args.command == "migrate":
        print("database is at the newest migration")
        return 0
    engine = create_db_engine(settings.resolved_database_url)
    with session_scope(engine) as session:
        if args.command == "create-user":
            from app.accounts.service import create_account

            account = create_account(
                session,
                role=Role(args.role),
                username=args.username,
                password=args.password,
                area_codes=args.grid,
                unit_code=args.unit,
            )
            session.commit()
            print(f"created {account.role} {account.username} (id {account.id})")
        elif args.command == "import-grids":
            from app.grids.service import import_feature_collection

            try:
                collection = json.loads(args.file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                print(f"error: cannot read {args.file}: {exc}", file=sys.stderr)
                return 1
            result = import_feature_collection(session, collection)
            session.commit()
            print(f"imported grids: {result.created} created, {result.updated} updated")
        elif args.command == "demo":
            from app.demo.seed import DEMO_LOGINS, is_empty, seed_demo

            if args.if_empty and not is_empty(session):
                print("database has accounts already; demo not seeded. Demo logins, if kept:")
            else:
                seed_demo(session)
                session.commit()
                print("demo seeded: Fengyang County (凤阳县). Logins:")
            for login in DEMO_LOGINS:
                print(f"  {login.role:<12} {login.username:<14} {login.password}   {login.note}")
        elif args.command == "rebuild-figures":
            from app.figures.rebuild import rebuild_figures

            print(f"figures rebuilt: {rebuild_figures(session)} reports counted")
    engine.dispose()
    return 0


def _backup(settings: Settings, directory: Path) -> int:
    from app.backup.service import create_backup

    manifest = create_backup(settings, directory)
    rows = manifest.counts.tables
    print(
        f"backup written to {directory}: {manifest.database_kind} database at migration "
        f"{manifest.migration_revision}, {rows.get('report', 0)} reports, "
        f"{manifest.counts.photo_files} photo files ({manifest.counts.photo_bytes} bytes)"
    )
    return 0


def _restore(settings: Settings, directory: Path) -> int:
    from app.backup.service import restore_backup

    manifest = restore_backup(settings, directory)
    print(
        f"restored the backup of {manifest.created_at} into {settings.data_dir}: "
        f"{manifest.counts.tables.get('report', 0)} reports, {manifest.counts.photo_files} photo "
        "files, every file checked against the manifest. tantou serve applies newer migrations."
    )
    return 0


def _serve(settings: Settings, host: str, port: int, workers: int) -> int:
    import uvicorn

    if workers < 1:
        print("error: --workers must be 1 or more", file=sys.stderr)
        return 1
    # Once, before any worker starts: the workers find the database at head.
    upgrade_to_head(settings.resolved_database_url)
    if workers > 1:
        share_across_workers(settings, workers)
    clear_multiprocess_dir()
    # proxy_headers=False: uvicorn would believe X-Forwarded-For from 127.0.0.1; the app
    # believes it only from TANTOU_TRUSTED_PROXIES.
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        proxy_headers=False,
    )
    return 0


def share_across_workers(settings: Settings, workers: int) -> None:
    """Environment the worker processes inherit: one metrics directory that /metrics adds up
    (unless one is set), and image pools that together use each core once (unless sized)."""
    os.environ.setdefault(MULTIPROC_DIR_VARIABLE, str((settings.data_dir / "metrics").resolve()))
    if settings.image_workers == 0:
        per_worker = max(1, (os.cpu_count() or 1) // workers)
        os.environ.setdefault("TANTOU_IMAGE_WORKERS", str(per_worker))


if __name__ == "__main__":
    sys.exit(main())
