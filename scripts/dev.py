#!/usr/bin/env python3
"""The project's commands: ``run`` serves Odoo with the module, ``test`` tests it.

Both commands prepare what is missing first (Python packages, Odoo 18.0, a PostgreSQL
server, Chromium for the browser tours). Run ``python3 scripts/dev.py --help``.

PostgreSQL: the server named by PGHOST/PGPORT/PGUSER/PGPASSWORD when any of them is
set, otherwise a throwaway cluster of the project's own in ``.local/pg`` (git-ignored),
reached on a Unix socket only. Each command registers itself as a user of that cluster;
the last one to leave stops it cleanly, so two commands at once share it and a crashed
one leaves nothing that blocks the next.
"""

import argparse
import ast
import contextlib
import fcntl
import hashlib
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
MODULE = "order_governance"
# The core and its execution bridges, side by side in this repository: the run and
# test commands install them all (the bridges are auto_install in a real database).
ADDONS = ("order_governance", "order_governance_stock", "order_governance_mrp")
ODOO_SERIES = "18.0"
# Official upstream source of Odoo 18.0, used only when no Odoo is importable.
ODOO_UPSTREAM = "https://github.com/odoo/odoo/archive/refs/heads/18.0.tar.gz"
APP_ROLE = "odoo"  # Odoo refuses to connect as "postgres"
RUN_DATABASE = os.environ.get("OG_DATABASE", "order_governance")
PG_ENV_VARS = ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD")


class SetupError(Exception):
    """A problem the user must fix; printed as one clear message, no traceback."""


def say(message):
    print(f"[order_governance] {message}", flush=True)


# ---------------------------------------------------------------------------
# Python packages and Odoo
# ---------------------------------------------------------------------------
def ensure_requirements(filename):
    """pip-install a requirements file once; later runs see the stamp and skip pip."""
    path = ROOT / filename
    digest = hashlib.sha256()
    digest.update(sys.executable.encode())
    for name in ("requirements.txt", filename):
        digest.update((ROOT / name).read_bytes())
    stamp = LOCAL / f"pip-{digest.hexdigest()[:16]}.stamp"
    if stamp.exists():
        return
    say(f"Installing Python packages from {filename}")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "-r", str(path)],
        check=False,
    )
    if result.returncode:
        raise SetupError(
            f"pip could not install {filename} (exit {result.returncode}); "
            "see pip's output above."
        )
    LOCAL.mkdir(exist_ok=True)
    stamp.touch()


def odoo_version():
    """Version series of the importable Odoo, or None when there is none."""
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import odoo.release as r; print(r.serie)",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return probe.stdout.strip() if probe.returncode == 0 else None


def ensure_odoo():
    version = odoo_version()
    if version == ODOO_SERIES:
        return
    if version:
        raise SetupError(
            f"This Python ({sys.executable}) imports Odoo {version}; the module needs "
            f"Odoo {ODOO_SERIES}. Install Odoo {ODOO_SERIES} into this Python."
        )
    say(f"Odoo is not importable: installing Odoo {ODOO_SERIES} from {ODOO_UPSTREAM}")
    try:
        urllib.request.urlopen(
            urllib.request.Request(ODOO_UPSTREAM, method="HEAD"), timeout=15
        )
    except OSError as error:
        raise SetupError(
            f"Odoo {ODOO_SERIES} is not importable by {sys.executable} and its "
            f"upstream source cannot be reached ({error}). Install Odoo "
            f"{ODOO_SERIES} into this Python (e.g. `pip install --no-deps "
            "<an Odoo 18.0 checkout>`), then run the command again."
        ) from None
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", ODOO_UPSTREAM],
        check=False,
    )
    if result.returncode or odoo_version() != ODOO_SERIES:
        raise SetupError(
            f"Installing Odoo {ODOO_SERIES} from {ODOO_UPSTREAM} failed. Install Odoo "
            f"{ODOO_SERIES} into {sys.executable} by hand, then run the command again."
        )


def odoo_addons_paths():
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import odoo.addons, os; print(os.pathsep.join(odoo.addons.__path__))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return [p for p in probe.stdout.strip().split(os.pathsep) if p]


def ensure_chromium():
    """Browser tours need Chromium; install Debian's package when we can."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("Installing Chromium (Debian package `chromium`) for the browser tours")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env
        )
    if not shutil.which("chromium"):
        raise SetupError(
            "Chromium is needed for the browser tours: install it (Debian: "
            "`apt-get install chromium`), then run the command again."
        )


# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------
class ExternalServer:
    """The server the standard PG* variables point to."""

    def __init__(self):
        self.host = os.environ.get("PGHOST") or "localhost"
        self.port = os.environ.get("PGPORT") or "5432"
        self.user = os.environ.get("PGUSER") or pwd.getpwuid(os.getuid()).pw_name
        self.password = os.environ.get("PGPASSWORD") or ""

    def describe(self):
        return f"PGHOST={self.host} PGPORT={self.port} PGUSER={self.user}"

    def __enter__(self):
        if self.user == "postgres":
            raise SetupError(
                "PGUSER=postgres: Odoo refuses to connect as the `postgres` role. "
                "Create another role with CREATEDB and set PGUSER to it."
            )
        check_connection(self)
        return self

    def __exit__(self, *exc):
        return False


def check_connection(server):
    import psycopg2

    try:
        conn = psycopg2.connect(
            host=server.host,
            port=server.port,
            user=server.user,
            password=server.password or None,
            dbname="postgres",
            connect_timeout=5,
        )
    except psycopg2.Error as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else error
        raise SetupError(
            f"Cannot connect to PostgreSQL with {server.describe()}: {reason}. "
            "Fix these variables, or unset PGHOST, PGPORT, PGUSER and PGPASSWORD "
            "to let the project start a throwaway server of its own."
        ) from None
    conn.close()


class LocalCluster:
    """A throwaway cluster in .local/pg, shared by concurrent commands."""

    def __init__(self):
        self.base = LOCAL / "pg"
        self.data = self.base / "data"
        self.users = self.base / "users"
        # Unix socket paths are limited to ~100 bytes: keep the socket in /tmp.
        tag = hashlib.sha256(str(ROOT).encode()).hexdigest()[:10]
        self.host = f"/tmp/og-pg-{tag}"
        self.port = "5432"
        self.user = APP_ROLE
        self.password = ""
        self.bindir = self._find_bindir()
        self.os_user = self._os_user()

    def describe(self):
        return f"the project's own cluster in {self.data}"

    @staticmethod
    def _find_bindir():
        candidates = []
        if shutil.which("pg_config"):
            out = subprocess.run(
                ["pg_config", "--bindir"], capture_output=True, text=True, check=False
            )
            candidates.append(Path(out.stdout.strip()))
        candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
        if shutil.which("initdb"):
            candidates.append(Path(shutil.which("initdb")).resolve().parent)
        for bindir in candidates:
            if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
                return bindir
        raise SetupError(
            "No PostgreSQL server binaries (initdb, pg_ctl) found. Install PostgreSQL "
            "(Debian: `apt-get install postgresql`), or set PGHOST/PGPORT/PGUSER/"
            "PGPASSWORD to a server of yours."
        )

    @staticmethod
    def _os_user():
        """initdb refuses root: run the cluster as `postgres` when we are root."""
        if os.geteuid() != 0:
            return None
        try:
            return pwd.getpwnam("postgres")
        except KeyError:
            raise SetupError(
                "Running as root and there is no `postgres` system user to own the "
                "PostgreSQL cluster. Create one (`useradd --system postgres`) or run "
                "as a normal user."
            ) from None

    def _run(self, *args, check=True, quiet=False):
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.os_user:
            cmd = ["runuser", "-u", self.os_user.pw_name, "--", *cmd]
        return subprocess.run(
            cmd,
            check=check,
            capture_output=quiet,
            text=True,
            cwd="/",
        )

    def _chown(self, path):
        if self.os_user:
            os.chown(path, self.os_user.pw_uid, self.os_user.pw_gid)

    @contextlib.contextmanager
    def _locked(self):
        self.base.mkdir(parents=True, exist_ok=True)
        with open(self.base / "lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _live_users(self):
        live = []
        for entry in self.users.glob("*"):
            try:
                os.kill(int(entry.name), 0)
                live.append(entry)
            except (ValueError, ProcessLookupError):
                entry.unlink(missing_ok=True)  # left by a crashed command
            except PermissionError:
                live.append(entry)
        return live

    def _running(self):
        return (
            self._run(
                "pg_ctl", "status", "-D", str(self.data), check=False, quiet=True
            ).returncode
            == 0
        )

    def _init(self):
        say(f"Creating a throwaway PostgreSQL cluster in {self.data}")
        if self.data.exists():
            shutil.rmtree(self.data)  # a half-made cluster from an interrupted init
        self.data.mkdir(parents=True)
        self.data.chmod(0o700)
        self._chown(self.data)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            quiet=True,
        )
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                "\n# order_governance: Unix socket only, quick and throwaway\n"
                "listen_addresses = ''\n"
                f"unix_socket_directories = '{self.host}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_connections = 100\n"
            )
        (self.data / "og-ready").touch()

    def pg_ctl_start(self, data, log, what):
        """Start the cluster in ``data`` (log in ``log``); a SetupError with the
        log's last lines if it does not start."""
        log.touch()
        self._chown(log)
        result = self._run(
            "pg_ctl",
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            str(data),
            "-l",
            str(log),
            check=False,
            quiet=True,
        )
        if result.returncode:
            tail = log.read_text(errors="replace").splitlines()[-5:]
            raise SetupError(f"{what} did not start:\n  " + "\n  ".join(tail))

    def pg_ctl_stop(self, data):
        self._run(
            "pg_ctl",
            "stop",
            "-m",
            "fast",
            "-w",
            "-D",
            str(data),
            check=False,
            quiet=True,
        )

    def _start(self):
        if not (self.data / "og-ready").exists():
            self._init()
        Path(self.host).mkdir(mode=0o700, exist_ok=True)
        self._chown(self.host)
        self.pg_ctl_start(
            self.data, self.base / "postgresql.log", "The project's PostgreSQL cluster"
        )
        self._run(
            "psql",
            "-h",
            self.host,
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-qc",
            f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname="
            f"'{APP_ROLE}') THEN CREATE ROLE {APP_ROLE} LOGIN SUPERUSER; "
            "END IF; END$$;",
            quiet=True,
        )

    def __enter__(self):
        with self._locked():
            self.users.mkdir(parents=True, exist_ok=True)
            (self.users / str(os.getpid())).touch()
            if not self._running():
                self._start()
        check_connection(self)
        return self

    def __exit__(self, *exc):
        with self._locked():
            (self.users / str(os.getpid())).unlink(missing_ok=True)
            if not self._live_users() and self._running():
                say("Stopping the project's PostgreSQL cluster")
                self.pg_ctl_stop(self.data)
        return False


class Standby:
    """A streaming replica of the project's cluster (``pg_basebackup``), on a
    socket and port of its own, with ``pg_stat_statements`` loaded so that it
    can say which queries it answered. Removed when the command ends."""

    def __init__(self, primary):
        self.primary = primary
        self.base = LOCAL / "pg_replica"
        self.data = self.base / "data"
        self.host = f"{primary.host}-replica"
        self.port = str(int(primary.port) + 1)
        self.user = primary.user
        self.password = ""

    def __enter__(self):
        self._remove()
        self.base.mkdir(parents=True, exist_ok=True)
        self.primary._chown(self.base)
        Path(self.host).mkdir(mode=0o700, exist_ok=True)
        self.primary._chown(self.host)
        say(f"Copying the cluster to a streaming replica in {self.data}")
        self.primary._run(
            "pg_basebackup",
            "-h",
            self.primary.host,
            "-p",
            self.primary.port,
            "-U",
            "postgres",
            "-D",
            str(self.data),
            "-X",
            "stream",
            "-c",
            "fast",
            "-R",  # standby.signal and primary_conninfo: it follows the primary
            quiet=True,
        )
        with open(self.data / "postgresql.auto.conf", "a") as conf:
            conf.write(
                f"port = {self.port}\n"
                f"unix_socket_directories = '{self.host}'\n"
                "hot_standby = on\n"
                "shared_preload_libraries = 'pg_stat_statements'\n"
                "pg_stat_statements.track = 'all'\n"
            )
        self.primary.pg_ctl_start(
            self.data, self.base / "postgresql.log", "The replica"
        )
        return self

    def __exit__(self, *exc):
        self._remove()
        return False

    def _remove(self):
        if (self.data / "PG_VERSION").exists():
            self.primary.pg_ctl_stop(self.data)
        shutil.rmtree(self.base, ignore_errors=True)

    def wait_for(self, dbname, seconds=60):
        """Until the replica has replayed what the primary has written."""
        [(lsn,)] = db_query(self.primary, "postgres", "SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception):
                [(caught_up,)] = db_query(
                    self, dbname, f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'"
                )
                if caught_up:
                    return
            time.sleep(0.5)
        raise SetupError(f"The replica did not catch up within {seconds} s.")


def postgres_server():
    if any(os.environ.get(var) for var in PG_ENV_VARS):
        return ExternalServer()
    return LocalCluster()


# ---------------------------------------------------------------------------
# Odoo
# ---------------------------------------------------------------------------
def write_config(server, name, http_port=8069):
    """An Odoo configuration file for this server; returns its path."""
    LOCAL.mkdir(exist_ok=True)
    addons = [*odoo_addons_paths(), str(ROOT)]
    lines = [
        "[options]",
        f"addons_path = {','.join(addons)}",
        f"data_dir = {LOCAL / 'odoo-data'}",
        f"db_host = {server.host}",
        f"db_port = {server.port}",
        f"db_user = {server.user}",
        f"db_password = {server.password or 'False'}",
        f"http_port = {http_port}",
        "admin_passwd = admin",
        "max_cron_threads = 1",
    ]
    path = LOCAL / name
    path.write_text("\n".join(lines) + "\n")
    return path


def odoo_cmd(config, *args):
    return [sys.executable, "-m", "odoo", "-c", str(config), *args]


def db_query(server, dbname, sql):
    import psycopg2

    conn = psycopg2.connect(
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password or None,
        dbname=dbname,
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(sql)
            return cr.fetchall() if cr.description else None
    finally:
        conn.close()


def module_installed(server, dbname, module=MODULE):
    exists = db_query(
        server, "postgres", f"SELECT 1 FROM pg_database WHERE datname = '{dbname}'"
    )
    if not exists:
        return False
    state = db_query(
        server,
        dbname,
        f"SELECT state FROM ir_module_module WHERE name = '{module}'",
    )
    return bool(state) and state[0][0] == "installed"


def drop_database(server, dbname):
    db_query(server, "postgres", f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def install_module(config, dbname, demo=True, extra=(), update=False, modules=MODULE):
    args = [
        "-d",
        dbname,
        "-u" if update else "-i",
        modules,
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
        *extra,
    ]
    if not demo:
        args.append("--without-demo=all")
    result = subprocess.run(odoo_cmd(config, *args), check=False)
    if result.returncode:
        raise SetupError(
            f"Installing {modules} in database {dbname} failed (see above)."
        )


def run_forwarding_signals(cmd):
    """Run a child in the foreground and wait for it to end, even on Ctrl-C."""
    child = subprocess.Popen(cmd)
    # The terminal sends Ctrl-C to the child too (same process group): let it shut
    # down by itself, then clean up here. A SIGTERM sent to us alone is passed on.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGTERM))
    try:
        return child.wait()
    finally:
        signal.signal(signal.SIGINT, previous)


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
def prepare(requirements):
    ensure_requirements(requirements)
    ensure_odoo()


def cmd_run(args):
    prepare("requirements.txt")
    with postgres_server() as server:
        config = write_config(server, "odoo-run.conf", http_port=args.port)
        if not all(module_installed(server, RUN_DATABASE, m) for m in ADDONS):
            # none yet, a half-made one from a crash, or one made by a checkout that
            # had no execution bridges: the demo database is throwaway
            drop_database(server, RUN_DATABASE)
            say(
                f"Creating database {RUN_DATABASE} with {', '.join(ADDONS)} and "
                "their demo data (a few minutes, once)"
            )
            install_module(config, RUN_DATABASE, modules=",".join(ADDONS))
        say(
            f"Odoo on http://localhost:{args.port} — login admin / password admin "
            "(Ctrl-C stops it)"
        )
        return run_forwarding_signals(
            # -u: a database made by an older checkout gets this code's data and views.
            odoo_cmd(
                config,
                "-d",
                RUN_DATABASE,
                "--db-filter",
                f"^{RUN_DATABASE}$",
                "-u",
                ",".join(ADDONS),
            )
        )


def cmd_lint(_args):
    prepare("requirements-test.txt")
    say("ruff")
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-fix", "."], cwd=ROOT, check=False
    )
    say("pylint-odoo (OCA's mandatory checks)")
    pylint = subprocess.run(
        [sys.executable, "-m", "pylint", "--rcfile=.pylintrc-mandatory", *ADDONS],
        cwd=ROOT,
        check=False,
    )
    return 1 if (ruff.returncode or pylint.returncode) else 0


def cmd_test(args):
    prepare("requirements-test.txt")
    if not args.no_lint and cmd_lint(args):
        say("Lint failed: fix the findings above.")
        return 1
    ensure_chromium()
    with postgres_server() as server:
        dbname = f"og_test_{os.getpid()}"
        config = write_config(
            server, f"odoo-test-{os.getpid()}.conf", http_port=free_port()
        )
        env = dict(os.environ, OG_ODOO_CONFIG=str(config), OG_TEST_DATABASE=dbname)
        try:
            say(
                f"Installing {', '.join(ADDONS)} with demo data in a fresh database "
                f"{dbname}"
            )
            install_module(config, dbname, modules=",".join(ADDONS))
            odoo_verdict = 0
            if not args.pytest_args:
                odoo_verdict = test_odoo_suites(config, dbname)
            cmd = [
                sys.executable,
                "-m",
                "pytest",
                "-p",
                "no:cacheprovider",
                f"--odoo-config={config}",
                f"--odoo-database={dbname}",
                "--odoo-http",
                *(args.pytest_args or [*ADDONS, "tests"]),
            ]
            # the addons' own tests last: pytest's summary line ends the output
            say(f"Running the tests of {', '.join(ADDONS)} and of the project")
            result = subprocess.run(cmd, cwd=ROOT, env=env, check=False)
            if odoo_verdict:
                say(
                    "Odoo's own tests failed with the addons installed (see "
                    "'NEW failures' above)."
                )
            return result.returncode or odoo_verdict
        finally:
            drop_database(server, dbname)
            config.unlink(missing_ok=True)


def test_odoo_suites(config, dbname):
    """Odoo's own tests of TEST_SUITES on the test database (the addons and their
    demo data installed, as `make compat` has them). Known failures of this Odoo
    and accepted differences are left out; returns 0, or 1 on a new failure."""
    baseline = read_baseline()
    accepted = read_accepted()
    code, failed, flaky, seconds = run_odoo_suites(
        config, dbname, TEST_SUITES, deselect=[*baseline, *accepted]
    )
    return odoo_suites_verdict(
        TEST_SUITES, code, failed, flaky, seconds, baseline, accepted
    )


def cmd_pot(_args):
    """Export each addon's translation template to <addon>/i18n/<addon>.pot.
    With the demo data, as Odoo's own templates: its stage norms, check and
    department names get their msgids, so the .po can translate them."""
    prepare("requirements.txt")
    with postgres_server() as server:
        dbname = f"og_pot_{os.getpid()}"
        config = write_config(server, f"odoo-pot-{os.getpid()}.conf")
        try:
            install_module(config, dbname, demo=True, modules=",".join(ADDONS))
            for addon in ADDONS:
                target = ROOT / addon / "i18n" / f"{addon}.pot"
                target.parent.mkdir(exist_ok=True)
                result = subprocess.run(
                    odoo_cmd(
                        config,
                        "-d",
                        dbname,
                        f"--i18n-export={target}",
                        f"--modules={addon}",
                        "--stop-after-init",
                        "--no-http",
                        "--log-level=warn",
                    ),
                    check=False,
                )
                if result.returncode:
                    return result.returncode
                say(f"Wrote {target.relative_to(ROOT)}")
            return 0
        finally:
            drop_database(server, dbname)
            config.unlink(missing_ok=True)


BENCHMARK_PHASES = ("reports", "flow", "moves", "forecast", "workbook", "scorecards")


def run_benchmark_phase(config, dbname, phase, orders, script="benchmark.py", *extra):
    """Run one phase of a benchmark script; pass its output on, keep its rows."""
    cmd = [
        sys.executable,
        str(ROOT / "scripts" / script),
        phase,
        f"--config={config}",
        f"--database={dbname}",
        f"--orders={orders}",
        *extra,
    ]
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    rows = []
    for line in child.stdout:
        if line.startswith("ROW "):
            rows.append(json.loads(line[4:]))
        else:
            print(line, end="", flush=True)
    if child.wait():
        raise SetupError(f"The benchmark's {phase} phase failed (see above).")
    return rows


def benchmark_table(rows):
    """A Markdown table (the README shows it as is)."""

    def cell(value, fmt):
        return "" if value is None else format(value, fmt)

    lines = [
        "| Measure | Rows | Time (s) | Queries | Ratio | Memory (MB) | Note |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        lines.append(
            "| {} | {} | {} | {} | {} | {} | {} |".format(
                row["name"],
                cell(row.get("rows"), ","),
                cell(row.get("seconds"), ".3f"),
                cell(row.get("queries"), ","),
                cell(row.get("ratio"), ".2f"),
                cell(row.get("memory_mb"), ".0f"),
                row.get("detail", ""),
            )
        )
    return "\n".join(lines)


def machine_description():
    import platform

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def cmd_benchmark(args):
    """Build (once) a database with N governed orders, then measure."""
    prepare("requirements-test.txt")
    with postgres_server() as server:
        dbname = f"og_bench_{args.orders}"
        config = write_config(server, f"odoo-bench-{os.getpid()}.conf")
        try:
            if args.rebuild or not module_installed(server, dbname):
                drop_database(server, dbname)
                say(f"Creating database {dbname} with {MODULE} and its demo data")
                install_module(config, dbname)
            else:
                say(f"Updating {MODULE} in {dbname} (this checkout's code and indexes)")
                install_module(config, dbname, update=True)
            say(
                f"Adding {args.orders:,} orders to {dbname} (once; the database is "
                "kept for the next runs, --rebuild starts again)"
            )
            run_benchmark_phase(config, dbname, "build", args.orders)
            rows = []
            for phase in BENCHMARK_PHASES:
                say(f"Measuring: {phase}")
                rows += run_benchmark_phase(config, dbname, phase, args.orders)
            server_version = db_query(server, "postgres", "SHOW server_version")[0][0]
            print()
            print(
                f"{args.orders:,} orders; {machine_description()}; "
                f"PostgreSQL {server_version}"
            )
            print()
            print(benchmark_table(rows))
            return 0
        finally:
            config.unlink(missing_ok=True)


def cmd_backtest(args):
    """Replay completed orders and print the forecast's accuracy: on the
    benchmark's database of N orders when it exists, else on the demo database."""
    prepare("requirements-test.txt")
    with postgres_server() as server:
        dbname = f"og_bench_{args.orders}"
        config = write_config(server, f"odoo-backtest-{os.getpid()}.conf")
        try:
            if not module_installed(server, dbname):
                dbname = RUN_DATABASE
                if not all(module_installed(server, dbname, m) for m in ADDONS):
                    drop_database(server, dbname)
                    say(f"Creating the demo database {dbname} (a few minutes, once)")
                    install_module(config, dbname, modules=",".join(ADDONS))
            say(f"Updating the addons in {dbname} (this checkout's code)")
            install_module(config, dbname, update=True, modules=",".join(ADDONS))
            say(f"Replaying the completed orders of {dbname}")
            result = subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "scripts" / "backtest.py"),
                    f"--config={config}",
                    f"--database={dbname}",
                    f"--limit={args.limit}",
                ],
                check=False,
                cwd=ROOT,
            )
            if result.returncode:
                raise SetupError("The backtest failed (see above).")
            print(f"\n{dbname}; {machine_description()}")
            return 0
        finally:
            config.unlink(missing_ok=True)


def read_side_table(rows, labels):
    """The read-side measures side by side: one column per size, the growth,
    and the ratio to the bare GROUP BY at the largest size."""
    by_name = {}
    for row in rows:
        by_name.setdefault(row["name"], {})[row["label"]] = row
    lines = [
        "| Read | " + " | ".join(labels) + " | growth | ratio to bare | queries |",
        "|---|" + "---:|" * (len(labels) + 3),
    ]
    for name, of_label in by_name.items():
        first, last = of_label.get(labels[0]), of_label.get(labels[-1])
        growth = (
            f"{last['seconds'] / first['seconds']:.1f}×"
            if first and last and first["seconds"]
            else ""
        )
        cells = [
            f"{of_label[label]['seconds']:.3f} s" if label in of_label else ""
            for label in labels
        ]
        ratio = (last or {}).get("ratio")
        queries = (last or {}).get("queries")
        lines.append(
            f"| {name} | "
            + " | ".join(cells)
            + f" | {growth} | {'' if ratio is None else f'{ratio:.2f}×'}"
            + f" | {'' if queries is None else queries} |"
        )
    return "\n".join(lines)


def fresh_copy_of_base(server, config, base, dbname):
    """``dbname`` made again from ``base``, a database with the module and its
    demo data (made once, updated to this checkout's code on later runs)."""
    drop_database(server, dbname)
    if module_installed(server, base):
        say(f"Updating {MODULE} in {base} (this checkout's code)")
        install_module(config, base, update=True)
    else:
        say(f"Creating database {base} with {MODULE} and its demo data")
        drop_database(server, base)
        install_module(config, base)
    db_query(server, "postgres", f'CREATE DATABASE "{dbname}" TEMPLATE "{base}"')


def cmd_benchmark_read(args):
    """A synthetic history written in SQL, measured at two sizes."""
    prepare("requirements-test.txt")
    with postgres_server() as server:
        base, dbname = "og_bench_read_base", "og_bench_read"
        config = write_config(server, f"odoo-bench-{os.getpid()}.conf")
        try:
            fresh_copy_of_base(server, config, base, dbname)
            rows, labels = [], []
            for completed in (args.small, args.large):
                label = f"{completed:,} done"
                say(f"Writing the history of {completed:,} completed orders in SQL")
                rows += run_benchmark_phase(
                    config, dbname, "synthesize", completed, "benchmark_read.py"
                )
                say(f"Measuring at {completed:,} completed orders")
                rows += run_benchmark_phase(
                    config,
                    dbname,
                    "measure",
                    completed,
                    "benchmark_read.py",
                    f"--label={label}",
                )
                labels.append(label)
            server_version = db_query(server, "postgres", "SHOW server_version")[0][0]
            sizes = ", ".join(
                f"{row['label']}: {row['stays']:,} stays"
                for row in rows
                if row["name"].startswith("bare GROUP BY department")
            )
            print()
            print(f"{sizes}; {machine_description()}; PostgreSQL {server_version}")
            print()
            print(read_side_table([r for r in rows if "label" in r], labels))
            for row in rows:
                if "label" not in row:
                    print(
                        f"\n{row['name']}: {row['rows']:,} in {row['seconds']:.0f} s"
                        f" ({row['detail']})"
                    )
            return 0
        finally:
            config.unlink(missing_ok=True)


def wait_for_http(url, seconds=180):
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/web/health", timeout=5) as answer:
                if answer.status == 200:
                    return
        time.sleep(1)
    raise SetupError(f"Odoo did not answer on {url} within {seconds} s.")


def serve_with_workers(config, dbname, logfile, workers, *extra):
    """Odoo serving ``dbname`` with ``workers`` workers and one cron thread on
    a free port of 127.0.0.1, in a process group of its own; returns the
    process and the URL once it answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    logfile.unlink(missing_ok=True)
    # a script of its own, not `-m odoo`: the workers' supervisor starts the
    # websocket process again from its own command line
    launcher = LOCAL / "odoo-launcher.py"
    launcher.write_text("from odoo.cli.command import main\n\nmain()\n")
    process = subprocess.Popen(
        [
            sys.executable,
            str(launcher),
            "-c",
            str(config),
            "-d",
            dbname,
            f"--db-filter=^{dbname}$",
            f"--workers={workers}",
            "--max-cron-threads=1",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            f"--gevent-port={free_port()}",
            f"--logfile={logfile}",
            "--log-level=info",
            *extra,
        ],
        start_new_session=True,
    )
    wait_for_http(url)
    return process, url


def stop_server(process):
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def cmd_load(args):
    """Odoo with --workers, JSON-RPC clients for a fixed time, then the
    invariants of the history."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import load

    prepare("requirements-test.txt")
    with postgres_server() as server:
        base, dbname = "og_load_base", "og_load"
        config = write_config(server, f"odoo-load-{os.getpid()}.conf")
        plan, result = LOCAL / "load_plan.json", LOCAL / "load_result.json"
        logfile = LOCAL / "load_server.log"
        server_process = None
        try:
            fresh_copy_of_base(server, config, base, dbname)
            script = [sys.executable, str(ROOT / "scripts" / "load.py")]
            common = [f"--config={config}", f"--database={dbname}", f"--plan={plan}"]
            if subprocess.run(
                [*script, "prepare", *common], check=False, cwd=ROOT
            ).returncode:
                raise SetupError("Preparing the load database failed (see above).")
            say(f"Odoo with {args.workers} workers and one cron thread")
            server_process, url = serve_with_workers(
                config, dbname, logfile, args.workers
            )
            say(f"{args.clients} clients for {args.seconds} s")
            table = load.run_clients(url, plan, result, args.clients, args.seconds)
            stop_server(server_process)
            log = logfile.read_text(errors="replace").splitlines()
            retries = sum("tries left" in line for line in log)
            print()
            print(
                f"{args.clients} clients, {args.workers} workers; "
                f"{machine_description()}"
            )
            print()
            print(table)
            print(f"- {retries} serialization retries by the server (its log)")
            print()
            checked = subprocess.run(
                [*script, "check", *common, f"--result={result}"], check=False, cwd=ROOT
            )
            return checked.returncode
        finally:
            stop_server(server_process)
            config.unlink(missing_ok=True)


def cmd_replica(_args):
    """A streaming replica of the project's cluster, Odoo against both, the
    reports read as staff read them; then the replica's own statistics
    (pg_stat_statements) say which of the module's queries it answered."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import replica

    prepare("requirements-test.txt")
    server = postgres_server()
    if not isinstance(server, LocalCluster):
        raise SetupError(
            "`make replica` starts a replica of the project's own cluster: unset "
            "PGHOST, PGPORT, PGUSER and PGPASSWORD to run it."
        )
    with server:
        base, dbname = "og_load_base", "og_replica"
        config = write_config(server, f"odoo-replica-{os.getpid()}.conf")
        logfile = LOCAL / "replica_server.log"
        server_process = None
        try:
            fresh_copy_of_base(server, config, base, dbname)
            db_query(
                server, dbname, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
            )
            with Standby(server) as standby:
                standby.wait_for(dbname)
                say(
                    f"Odoo with 2 workers, primary {server.host}:{server.port}, "
                    f"replica {standby.host}:{standby.port}"
                )
                server_process, url = serve_with_workers(
                    config,
                    dbname,
                    logfile,
                    2,
                    f"--db_replica_host={standby.host}",
                    f"--db_replica_port={standby.port}",
                )
                ok = replica.run(
                    url,
                    dbname,
                    primary=lambda sql: db_query(server, dbname, sql),
                    replica=lambda sql: db_query(standby, dbname, sql),
                    wait_for_replica=lambda: standby.wait_for(dbname),
                )
                stop_server(server_process)
                log = logfile.read_text(errors="replace").splitlines()
                fallbacks = sum(
                    "retrying with a read/write cursor" in line for line in log
                )
                print(
                    f"- read-only requests that wrote and were retried on the "
                    f"primary (server log): {fallbacks}"
                )
                return 0 if ok and not fallbacks else 1
        finally:
            stop_server(server_process)
            config.unlink(missing_ok=True)


def cmd_benchmark_install(args):
    """Install the module on a database of N orders made without it: the
    install's time, then the scheduled action's batches and what was created."""
    prepare("requirements-test.txt")
    with postgres_server() as server:
        dbname = f"og_bench_install_{args.orders}"
        config = write_config(server, f"odoo-bench-{os.getpid()}.conf")
        try:
            drop_database(server, dbname)
            say(f"Creating database {dbname} with Sales and Employees only")
            install_module(config, dbname, modules="sale_management,hr")
            say(f"Adding {args.orders:,} orders (the module is not installed yet)")
            run_benchmark_phase(config, dbname, "existing", args.orders)
            say(f"Installing {MODULE} on them")
            start = time.perf_counter()
            install_module(config, dbname)
            rows = [
                {
                    "name": f"install {MODULE} (one transaction)",
                    "rows": args.orders,
                    "seconds": time.perf_counter() - start,
                    "detail": "first batch of existing orders entered in the hook",
                }
            ]
            rows += run_benchmark_phase(config, dbname, "entered", args.orders)
            print()
            print(f"{args.orders:,} existing orders; {machine_description()}")
            print()
            print(benchmark_table(rows))
            return 0
        finally:
            config.unlink(missing_ok=True)


def cmd_benchmark_transfers(args):
    """Validate N transfers (waves of 50) with the stock bridge installed, then
    again after uninstalling the bridges (the core only): the cost of the hook that
    moves the delivered orders (issue 11, target: at most 1.2 times the time
    without). Each configuration is measured ``--runs`` times, each run in a
    process of its own and rolled back; the ratio compares the medians."""
    import statistics

    prepare("requirements-test.txt")
    with postgres_server() as server:
        dbname = f"og_bench_transfers_{os.getpid()}"
        config = write_config(server, f"odoo-bench-{os.getpid()}.conf")
        try:
            say(f"Creating database {dbname} with {', '.join(ADDONS)} and demo data")
            install_module(config, dbname, modules=",".join(ADDONS))
            rows, medians = [], {}
            for label in ("with", "without"):
                if label == "without":
                    say("Uninstalling order_governance_mrp and order_governance_stock")
                    for row in run_benchmark_phase(
                        config, dbname, "uninstall", args.orders
                    ):
                        say(f"{row['name']}: {row['seconds']:.0f} s")
                    states = dict(
                        db_query(
                            server,
                            dbname,
                            "SELECT name, state FROM ir_module_module WHERE name IN "
                            "('order_governance', 'sale_stock', "
                            "'order_governance_stock', 'order_governance_mrp')",
                        )
                    )
                    expected = {MODULE: "installed", "sale_stock": "installed"}
                    expected.update(dict.fromkeys(ADDONS[1:], "uninstalled"))
                    if states != expected:
                        raise SetupError(f"Module states after the uninstall: {states}")
                runs = []
                for run in range(1, args.runs + 1):
                    say(
                        f"Validating {args.orders:,} transfers {label} "
                        f"order_governance_stock (run {run}/{args.runs})"
                    )
                    for row in run_benchmark_phase(
                        config, dbname, "transfers", args.orders
                    ):
                        if row["bridge"] != (label == "with"):
                            raise SetupError(f"Measured the wrong configuration: {row}")
                        row["name"] += f" (run {run})"
                        runs.append(row)
                medians[label] = statistics.median(row["seconds"] for row in runs)
                rows += runs
            ratio = medians["with"] / medians["without"]
            queries = {
                label: statistics.median(
                    row["queries"] for row in rows if row["bridge"] == (label == "with")
                )
                for label in medians
            }
            for row in rows:
                row["ratio"] = row["seconds"] / medians["without"]
            server_version = db_query(server, "postgres", "SHOW server_version")[0][0]
            print()
            print(
                f"{args.orders:,} transfers, waves of 50; {machine_description()}; "
                f"PostgreSQL {server_version}; ratio: time / median time without"
            )
            print()
            print(benchmark_table(rows))
            print()
            print(f"ratio with/without: {ratio:.2f}× (target ≤ 1.2×)")
            with_queries, without_queries = queries["with"], queries["without"]
            print(
                f"queries with/without: {with_queries:,.0f} / {without_queries:,.0f} "
                f"({with_queries / without_queries:.2f}×)"
            )
            return 0
        finally:
            drop_database(server, dbname)
            shutil.rmtree(
                LOCAL / "odoo-data" / "filestore" / dbname, ignore_errors=True
            )
            config.unlink(missing_ok=True)


# Odoo's own test suites of every app the addons touch: `make compat` runs them with
# the project's addons installed, against the failures the same Odoo has without them.
COMPAT_SUITES = ("sale", "sale_management", "sale_stock", "sale_mrp", "stock", "mrp")
# Those `make test` (CI) runs too, after the addons' own tests: the apps whose flows
# the addons change. Inventory's and Manufacturing's own suites (clean, 3 minutes
# each) are left to `make compat`, to keep the CI run under 30 minutes.
TEST_SUITES = ("sale_stock", "sale_mrp", "sale", "sale_management")
COMPAT_BASELINE = ROOT / "scripts" / "compat_baseline.txt"
# Odoo tests whose expectation the addons change on purpose, each with its reason.
COMPAT_ACCEPTED = ROOT / "scripts" / "compat_accepted.txt"


def project_addons():
    """The repository's addons: the directories at its root with a __manifest__.py."""
    return sorted(path.parent.name for path in ROOT.glob("*/__manifest__.py"))


def project_dependencies():
    """The Odoo addons the repository's addons depend on (not themselves)."""
    ours = set(project_addons())
    depends = set()
    for name in ours:
        manifest = ast.literal_eval((ROOT / name / "__manifest__.py").read_text())
        depends.update(manifest.get("depends", ()))
    return sorted(depends - ours)


def odoo_addon_dir(name):
    for path in odoo_addons_paths():
        if (Path(path) / name / "__manifest__.py").is_file():
            return Path(path) / name
    raise SetupError(f"Odoo's addon {name} is not in Odoo's addons path.")


def minutes(seconds):
    return f"{int(seconds // 60)}m {int(seconds % 60):02d}s"


def compat_pytest(config, dbname, rootdir, targets, deselect=()):
    """Run pytest on ``targets`` (less the node ids of ``deselect``, relative to
    ``rootdir``); returns (its exit code, the failed node ids)."""
    failures = LOCAL / f"compat-failures-{os.getpid()}.txt"
    failures.unlink(missing_ok=True)
    env = dict(
        os.environ,
        OG_COMPAT_FAILURES=str(failures),
        PYTHONPATH=os.pathsep.join(
            filter(None, [str(ROOT / "scripts"), os.environ.get("PYTHONPATH")])
        ),
    )
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-p",
        "compat_failures",
        f"--rootdir={rootdir}",
        f"--odoo-config={config}",
        f"--odoo-database={dbname}",
        "--odoo-http",
        # node ids as pytest has them: relative to the root directory
        *(f"--deselect={nodeid}" for nodeid in deselect),
        *map(str, targets),
    ]
    try:
        result = subprocess.run(cmd, cwd=ROOT, env=env, check=False)
        failed = failures.read_text().splitlines() if failures.exists() else []
        return result.returncode, failed
    finally:
        failures.unlink(missing_ok=True)


def suites_root(suites):
    """The directory Odoo's node ids are relative to (Odoo's addons directory), and
    the tests directories of ``suites``."""
    dirs = [odoo_addon_dir(name) / "tests" for name in suites]
    return os.path.commonpath([d.parent.parent for d in dirs]), dirs


def run_odoo_suites(config, dbname, suites, deselect=()):
    """Run Odoo's own tests of ``suites`` on ``dbname`` (browser tours included),
    ``deselect`` left out. Returns pytest's exit code, the tests that failed twice,
    those that failed once then passed (node ids relative to Odoo's addons
    directory) and the seconds it took."""
    rootdir, dirs = suites_root(suites)
    start = time.perf_counter()
    say(f"Running Odoo's own tests of {', '.join(suites)}")
    code, failed = compat_pytest(config, dbname, rootdir, dirs, deselect)
    again = []
    if code == 1 and failed:
        # Browser tours time out on a busy machine: a failure counts when it
        # happens twice.
        say(f"Running the {len(failed)} failed tests once more")
        code, again = compat_pytest(
            config, dbname, rootdir, [f"{rootdir}/{nodeid}" for nodeid in failed]
        )
    flaky = [nodeid for nodeid in failed if nodeid not in again]
    failed = [nodeid for nodeid in failed if nodeid in again]
    return code, failed, flaky, time.perf_counter() - start


def run_compat_suites(server, modules):
    """Install ``modules`` with demo data in a fresh database, run Odoo's own suites
    on it and drop it (see ``run_odoo_suites``)."""
    dbname = f"og_compat_{os.getpid()}"
    config = write_config(
        server, f"odoo-compat-{os.getpid()}.conf", http_port=free_port()
    )
    start = time.perf_counter()
    try:
        say(f"Installing {', '.join(modules)} with demo data in a fresh database")
        install_module(config, dbname, modules=",".join(modules))
        code, failed, flaky, _seconds = run_odoo_suites(config, dbname, COMPAT_SUITES)
        return code, failed, flaky, time.perf_counter() - start
    finally:
        drop_database(server, dbname)
        shutil.rmtree(LOCAL / "odoo-data" / "filestore" / dbname, ignore_errors=True)
        config.unlink(missing_ok=True)


def odoo_suites_verdict(suites, code, failed, flaky, seconds, baseline, accepted):
    """Print what Odoo's own tests of ``suites`` say about the addons; returns the
    exit code: 1 on a failure that is neither known nor accepted."""
    if code not in (0, 1):
        say(f"pytest ended with exit code {code} (see above): no verdict.")
        return code
    if code and not failed:
        say("pytest reports failures but none was recorded (see above).")
        return 1
    names = ", ".join(suites)
    print()
    show("Failed once, then passed when run again (not counted)", flaky)
    new = [n for n in failed if n not in baseline and n not in accepted]
    show(
        "Known failures (this Odoo fails them without the project's addons)",
        [nodeid for nodeid in failed if nodeid in baseline],
    )
    show(
        f"Accepted differences ({COMPAT_ACCEPTED.relative_to(ROOT)})",
        [f"{n}: {accepted[n]}" for n in failed if n in accepted and n not in baseline],
    )
    show("NEW failures, caused by the project's addons", new)
    addons = ", ".join(project_addons())
    if new:
        say(
            f"FAIL: installing {addons} breaks Odoo's own {names} tests above "
            f"({minutes(seconds)})."
        )
        return 1
    say(
        f"OK: installing {addons} breaks none of Odoo's own {names} tests "
        f"({minutes(seconds)})."
    )
    return 0


def read_baseline():
    if not COMPAT_BASELINE.exists():
        raise SetupError(
            f"{COMPAT_BASELINE.relative_to(ROOT)} is missing: measure it with "
            "`make compat BASELINE=1`."
        )
    lines = COMPAT_BASELINE.read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and line[0] != "#"]


def read_accepted():
    """``{node id: reason}`` of the documented differences."""
    if not COMPAT_ACCEPTED.exists():
        return {}
    accepted = {}
    for line in COMPAT_ACCEPTED.read_text().splitlines():
        nodeid, _sep, reason = line.partition("#")
        if nodeid.strip():
            accepted[nodeid.strip()] = reason.strip()
    return accepted


def write_baseline(failed, flaky, seconds):
    import odoo.release

    header = [
        f"# Odoo's own {', '.join(COMPAT_SUITES)} tests that fail WITHOUT the "
        "project's addons",
        "# (in a fresh database with the apps the addons depend on and demo data):",
        "# `make compat` runs them with the addons installed and fails on any other "
        "failure.",
        f"# Measured on Odoo {odoo.release.version} ({odoo_addons_paths()[0]}), "
        f"{time.strftime('%Y-%m-%d')}, in {minutes(seconds)}.",
        "# Refresh: `make compat BASELINE=1` (runs the suites without the addons and "
        "rewrites this file).",
        "# One pytest node id a line, relative to Odoo's addons directory; a test "
        "failed when it failed twice.",
        *(f"# Failed once, then passed: {nodeid}" for nodeid in flaky),
    ]
    COMPAT_BASELINE.write_text("\n".join([*header, *failed]) + "\n")


def show(title, nodeids):
    say(f"{title}: {len(nodeids)}")
    for nodeid in nodeids:
        print(f"    {nodeid}", flush=True)


def cmd_compat(args):
    """Odoo's own tests of every app the addons touch (COMPAT_SUITES) with the
    project's addons installed, compared with their failures without them
    (scripts/compat_baseline.txt)."""
    prepare("requirements-test.txt")
    ensure_chromium()
    baseline = [] if args.baseline else read_baseline()
    # the baseline has what the addons depend on (Inventory, Manufacturing...), so
    # that only the addons themselves differ
    modules = [
        *COMPAT_SUITES,
        *(project_dependencies() if args.baseline else project_addons()),
    ]
    with postgres_server() as server:
        code, failed, flaky, seconds = run_compat_suites(server, modules)
    if args.baseline:
        if code not in (0, 1):
            say(f"pytest ended with exit code {code} (see above): no verdict.")
            return code
        show("Failed once, then passed when run again (not counted)", flaky)
        write_baseline(failed, flaky, seconds)
        show("Failures of Odoo's own tests without the project's addons", failed)
        say(f"Wrote {COMPAT_BASELINE.relative_to(ROOT)} ({minutes(seconds)}).")
        return 0
    verdict = odoo_suites_verdict(
        COMPAT_SUITES, code, failed, flaky, seconds, baseline, read_accepted()
    )
    if verdict in (0, 1):
        show(
            "Baseline failures that pass now (just reported)",
            [nodeid for nodeid in baseline if nodeid not in failed + flaky],
        )
    return verdict


def cmd_check_db(_args):
    """Only connect to the PostgreSQL server the commands would use."""
    with postgres_server() as server:
        say(f"PostgreSQL is reachable ({server.describe()})")
    return 0


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="serve Odoo with the module and demo data")
    run.add_argument("--port", type=int, default=8069)
    test = sub.add_parser("test", help="lint, then run the tests on a fresh database")
    test.add_argument("--no-lint", action="store_true")
    test.add_argument(
        "pytest_args",
        nargs=argparse.REMAINDER,
        help="arguments passed on to pytest (default: all tests)",
    )
    sub.add_parser("lint", help="ruff and pylint-odoo")
    sub.add_parser("check-db", help="check the PostgreSQL settings")
    sub.add_parser("pot", help="export the translation template (i18n/*.pot)")
    bench = sub.add_parser("benchmark", help="measure on a database of N orders")
    bench.add_argument("--orders", type=int, default=20000)
    bench.add_argument(
        "--rebuild", action="store_true", help="drop and build the database again"
    )
    backtest = sub.add_parser(
        "backtest", help="replay completed orders: the forecast's accuracy"
    )
    backtest.add_argument("--orders", type=int, default=20000)
    backtest.add_argument("--limit", type=int, default=1000)
    bench_read = sub.add_parser(
        "benchmark-read",
        help="measure the reports on a synthetic history at two sizes (SQL-written)",
    )
    bench_read.add_argument("--small", type=int, default=20000)
    bench_read.add_argument("--large", type=int, default=220000)
    load = sub.add_parser(
        "load", help="JSON-RPC clients against Odoo with workers, then invariants"
    )
    load.add_argument("--clients", type=int, default=8)
    load.add_argument("--workers", type=int, default=2)
    load.add_argument("--seconds", type=int, default=60)
    sub.add_parser(
        "replica",
        help="reports on a streaming replica: where each query ran",
    )
    bench_install = sub.add_parser(
        "benchmark-install", help="install the module on a database of N orders"
    )
    bench_install.add_argument("--orders", type=int, default=20000)
    bench_transfers = sub.add_parser(
        "benchmark-transfers",
        help="validate N transfers with and without order_governance_stock",
    )
    bench_transfers.add_argument("--orders", type=int, default=1000)
    bench_transfers.add_argument(
        "--runs", type=int, default=2, help="measurements of each configuration"
    )
    compat = sub.add_parser(
        "compat",
        help="Odoo's own sale and sale_management tests with the project's addons",
    )
    compat.add_argument(
        "--baseline",
        action="store_true",
        help="run them without the project's addons and rewrite "
        "scripts/compat_baseline.txt",
    )
    args = parser.parse_args(argv)
    commands = {
        "run": cmd_run,
        "test": cmd_test,
        "lint": cmd_lint,
        "check-db": cmd_check_db,
        "pot": cmd_pot,
        "benchmark": cmd_benchmark,
        "backtest": cmd_backtest,
        "benchmark-install": cmd_benchmark_install,
        "benchmark-read": cmd_benchmark_read,
        "load": cmd_load,
        "replica": cmd_replica,
        "benchmark-transfers": cmd_benchmark_transfers,
        "compat": cmd_compat,
    }
    try:
        return commands[args.command](args)
    except SetupError as error:
        print(f"\n[order_governance] ERROR: {error}\n", file=sys.stderr, flush=True)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
