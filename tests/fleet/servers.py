"""Real Mosquitto and PostgreSQL servers on loopback for the fleet tests: free ports, temporary directories.

The fleet's transport (MQTT) and central store (PostgreSQL) are tested against the real engines, from the
Debian packages ``mosquitto`` and ``postgresql`` (``.ci/run`` installs them). Each server listens on
127.0.0.1 only, on a port the OS hands out (bind port 0), keeps its files in a temporary directory, and is
started and stopped by the test that owns it. Every wait here is bounded: a server that does not come up
within its timeout raises :class:`ServerError` with the tail of its log, a server that does not stop within
its timeout is killed.

PostgreSQL refuses to run as root; as root the cluster belongs to an unprivileged system user (Debian's
``postgres`` when the package made it, else ``energymon-test``, created here) and ``initdb``/``pg_ctl`` run
through ``runuser``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import pytest

from fleet.local_process import HOST, ServerError, free_port, log_tail, port_accepts, process_running, wait_until

# mosquitto and the PostgreSQL server tools live in sbin or a versioned directory, often not on a user's PATH.
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin", "/sbin"])
POSTGRES_USERS = ("postgres", "energymon-test")  # Debian's own first; the second is created when needed
UNIX_SOCKET_MAX_CHARS = 100  # sun_path holds 108 bytes on Linux; PostgreSQL appends "/.s.PGSQL.<port>"


def mosquitto_binary() -> str | None:
    return shutil.which("mosquitto", path=SEARCH_PATH)


def postgres_bin_dir() -> Path | None:
    """The directory of ``initdb`` and ``pg_ctl``: Debian's newest /usr/lib/postgresql/<ver>/bin, else PATH."""
    versions = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()]
    if versions:
        return max(versions, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else -1)
    initdb = shutil.which("initdb", path=SEARCH_PATH)
    return Path(initdb).resolve().parent if initdb else None


def missing_packages(*, mqtt: bool = False, postgres: bool = False) -> list[str]:
    """The Debian packages whose binaries the asked-for servers need and this machine lacks."""
    missing = []
    if mqtt and (mosquitto_binary() is None or shutil.which("mosquitto_passwd", path=SEARCH_PATH) is None):
        missing.append("mosquitto")
    if postgres and postgres_bin_dir() is None:
        missing.append("postgresql")
    return missing


def require_packages(missing: list[str], *, ci: bool) -> None:
    """Fail (in CI, where ``.ci/run`` must have installed them) or skip (elsewhere) when packages are missing."""
    if not missing:
        return
    names = " ".join(missing)
    reason = f"the fleet tests need the Debian package(s) {names}: apt-get install -y --no-install-recommends {names}"
    if ci:
        pytest.fail(f"{reason} (CI is set: .ci/run should have installed them)", pytrace=False)
    pytest.skip(reason)


def in_ci(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this run is CI: the variable CI is set to anything but '', '0' or 'false'."""
    return environ.get("CI", "").strip().lower() not in ("", "0", "false")


def _exited_or_accepts(process: subprocess.Popen[bytes], port: int) -> bool:
    return process.poll() is not None or port_accepts(port)


class Mosquitto:
    """A Mosquitto broker on 127.0.0.1 and a free port, configured and logging in ``tmp_dir``.

    ``persistence`` keeps sessions and queued QoS 1 messages in ``tmp_dir/data/mosquitto.db`` (written when
    the broker stops), so :meth:`restart` finds them again on the same port. With ``username`` and
    ``password`` the broker admits only that account (a password file made with ``mosquitto_passwd``).
    """

    def __init__(
        self,
        tmp_dir: Path,
        *,
        persistence: bool = False,
        username: str | None = None,
        password: str | None = None,
        start_timeout_s: float = 10.0,
        stop_timeout_s: float = 10.0,
    ) -> None:
        if (username is None) != (password is None):
            raise ValueError("give both username and password, or neither")
        self.dir = Path(tmp_dir)
        self.persistence = persistence
        self.username = username
        self.password = password
        self.start_timeout_s = start_timeout_s
        self.stop_timeout_s = stop_timeout_s
        self.port: int | None = None
        self.config_path = self.dir / "mosquitto.conf"
        self.log_path = self.dir / "mosquitto.log"
        self.data_dir = self.dir / "data"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def host(self) -> str:
        return HOST

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def url(self) -> str:
        return f"mqtt://{HOST}:{self.port}"

    def _write_config(self, port: int) -> None:
        lines = [f"listener {port} {HOST}", "user root" if os.geteuid() == 0 else "", "log_dest stdout"]
        lines += ["log_type error", "log_type warning", "log_type notice", "log_type information"]
        if self.persistence:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            lines += ["persistence true", f"persistence_location {self.data_dir}/"]
        else:
            lines.append("persistence false")
        if self.username is not None and self.password is not None:
            passwd = self.dir / "passwd"
            tool = shutil.which("mosquitto_passwd", path=SEARCH_PATH) or "mosquitto_passwd"
            argv = [tool, "-b", "-c", str(passwd), self.username, self.password]
            subprocess.run(argv, check=True, capture_output=True, timeout=30)
            lines += ["allow_anonymous false", f"password_file {passwd}"]
        else:
            lines.append("allow_anonymous true")
        self.config_path.write_text("\n".join(line for line in lines if line) + "\n", encoding="utf-8")

    def start(self) -> Mosquitto:
        """Start the broker (a new free port the first time, the same one afterwards); wait until it accepts."""
        if self._process is not None:
            raise ServerError("mosquitto is already running")
        binary = mosquitto_binary()
        if binary is None:
            raise ServerError("mosquitto is not installed (Debian package mosquitto)")
        self.dir.mkdir(parents=True, exist_ok=True)
        attempts = 3 if self.port is None else 1  # a free port can be taken between asking and binding
        for attempt in range(attempts):
            port = self.port if self.port is not None else free_port()
            self._write_config(port)
            with self.log_path.open("ab") as log:
                self._process = subprocess.Popen(
                    [binary, "-c", str(self.config_path)], stdout=log, stderr=subprocess.STDOUT
                )
            process = self._process
            if wait_until(functools.partial(_exited_or_accepts, process, port), self.start_timeout_s):
                if process.poll() is None:
                    self.port = port
                    return self
            self.stop()
            if attempt == attempts - 1:
                raise ServerError(f"mosquitto did not accept on port {port}:\n{log_tail(self.log_path)}")
        raise AssertionError("unreachable")

    def stop(self) -> None:
        """Terminate the broker (SIGTERM: it saves its persistence file) and wait; kill it if it lingers."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self.stop_timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=self.stop_timeout_s)

    def restart(self) -> Mosquitto:
        """Stop and start again on the same port (with ``persistence``, sessions and queued messages survive)."""
        self.stop()
        return self.start()

    def __enter__(self) -> Mosquitto:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def _postgres_user() -> str:
    """An unprivileged system user to own the cluster when running as root; created if none exists."""
    for name in POSTGRES_USERS:
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    name = POSTGRES_USERS[-1]
    argv = ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name]
    subprocess.run(argv, check=True, capture_output=True, timeout=30)
    return name


class Postgres:
    """A PostgreSQL cluster on 127.0.0.1 and a free port: ``initdb`` into a temporary data directory, one role
    (``user``, trust authentication on loopback) and one database made at start; :attr:`dsn` names it.

    The cluster lives in ``tmp_dir/postgres``, or, as root (the files must belong to the unprivileged owner)
    or when that path is too long for a Unix socket, in a private directory under the system's temporary
    directory that :meth:`stop` removes. The unix socket is in the run directory, never /var/run/postgresql.
    ``fsync`` is off: a test cluster is thrown away, never recovered after a crash.
    """

    def __init__(
        self,
        tmp_dir: Path,
        *,
        user: str = "energymon",
        database: str = "energymon",
        start_timeout_s: float = 60.0,
        stop_timeout_s: float = 30.0,
    ) -> None:
        for name in (user, database):
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
                raise ValueError(f"not a plain SQL identifier: {name!r}")
        self.user = user
        self.database = database
        self.start_timeout_s = start_timeout_s
        self.stop_timeout_s = stop_timeout_s
        self.port: int | None = None
        self._as_root = os.geteuid() == 0
        self._os_user = _postgres_user() if self._as_root else None
        run_dir = Path(tmp_dir) / "postgres"
        self._private = self._as_root or len(str(run_dir)) > UNIX_SOCKET_MAX_CHARS - 20
        self.run_dir = Path(tempfile.mkdtemp(prefix="energymon-pg-")) if self._private else run_dir
        self.data_dir = self.run_dir / "data"
        self.log_path = self.run_dir / "postgres.log"
        self._running = False

    @property
    def dsn(self) -> str:
        return self.dsn_for(self.database)

    def dsn_for(self, database: str) -> str:
        return f"postgresql://{self.user}@{HOST}:{self.port}/{database}"

    @property
    def pid(self) -> int | None:
        """The postmaster's process id, from its pid file (None when the server is not running)."""
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split()[0])
        except (OSError, IndexError, ValueError):
            return None

    def _tool(self, name: str) -> str:
        bin_dir = postgres_bin_dir()
        if bin_dir is None:
            raise ServerError("PostgreSQL's server tools are not installed (Debian package postgresql)")
        return str(bin_dir / name)

    def _run(self, argv: list[str], timeout_s: float) -> None:
        """Run a server tool as the cluster's owner; a failure raises ServerError with its output and the log."""
        if self._os_user is not None:
            argv = ["runuser", "-u", self._os_user, "--", *argv]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s, cwd=self.run_dir)
        if done.returncode != 0:
            raise ServerError(
                f"{' '.join(argv)} exited {done.returncode}:\n{done.stdout}{done.stderr}\n{log_tail(self.log_path)}"
            )

    def _initdb(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        if self._os_user is not None:
            owner = pwd.getpwnam(self._os_user)
            os.chown(self.run_dir, owner.pw_uid, owner.pw_gid)
        argv = [self._tool("initdb"), "-D", str(self.data_dir), "-U", self.user, "--auth=trust"]
        self._run([*argv, "-E", "UTF8", "--no-locale", "--no-sync"], self.start_timeout_s)

    def start(self) -> Postgres:
        """initdb (the first time), start on a free port (the same one after a stop), create the database."""
        if self._running:
            raise ServerError("postgres is already running")
        first = not (self.data_dir / "PG_VERSION").exists()
        if first:
            self._initdb()
        attempts = 3 if self.port is None else 1
        for attempt in range(attempts):
            port = self.port if self.port is not None else free_port()
            options = f"-c listen_addresses={HOST} -p {port} -k {self.run_dir} -c fsync=off"
            argv = [self._tool("pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log_path), "-o", options]
            try:
                self._run([*argv, "-w", "-t", str(int(self.start_timeout_s)), "start"], self.start_timeout_s + 10)
            except (ServerError, subprocess.TimeoutExpired):
                self._running = True
                self.stop(remove=False)
                if attempt == attempts - 1:
                    raise
                continue
            self.port, self._running = port, True
            break
        if first:
            self.create_database(self.database)
        return self

    def create_database(self, name: str) -> str:
        """Create database ``name`` (a plain identifier) owned by :attr:`user`; its DSN."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"not a plain SQL identifier: {name!r}")
        argv = [self._tool("createdb"), "-h", HOST, "-p", str(self.port), "-U", self.user, name]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=self.start_timeout_s)
        if done.returncode != 0:
            raise ServerError(f"createdb {name} failed: {done.stderr.strip()}")
        return self.dsn_for(name)

    def stop(self, *, remove: bool = True) -> None:
        """``pg_ctl stop -m fast`` and wait for the postmaster to exit (SIGKILL if it does not within the
        timeout); ``remove`` deletes a private run directory (a ``tmp_dir`` one stays for pytest to clean)."""
        if self._running:
            self._running = False
            pid = self.pid
            argv = [self._tool("pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w"]
            with contextlib.suppress(ServerError, subprocess.TimeoutExpired):
                self._run([*argv, "-t", str(int(self.stop_timeout_s)), "stop"], self.stop_timeout_s + 10)
            if pid is not None and not wait_until(lambda: not process_running(pid), self.stop_timeout_s):
                with contextlib.suppress(OSError):
                    os.kill(pid, 9)
        if remove and self._private:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def restart(self) -> Postgres:
        """Stop (keeping the data) and start again on the same port."""
        self.stop(remove=False)
        return self.start()

    def __enter__(self) -> Postgres:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
