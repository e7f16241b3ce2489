# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A throw-away PostgreSQL primary and a streaming replica of it, for tests.

Both clusters live in one temporary folder: ``initdb`` for the primary, a
copy of a database into it (``pg_dump | psql``), then ``pg_basebackup -R``
for the replica, which streams the primary's WAL from then on. Each listens
on a Unix socket of its own in that folder only (``listen_addresses = ''``,
a port of its own), so the machine's own cluster and its configuration are
never touched. PostgreSQL refuses to run as root: when the tests run as
root, the server commands run as the ``postgres`` OS user (``runuser``).

No Odoo import: ``python3 -m`` this file with a database name starts both,
prints how to connect, and stops them on Enter (by hand, while developing).
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import psycopg2

#: The superuser of the throw-away clusters (Odoo refuses "postgres").
ROLE = "rest_endpoint_replica"
BINDIR_ENV = "RE_PG_BINDIR"


def find_bindir():
    """The folder of ``initdb``, ``pg_ctl`` and ``pg_basebackup``: $RE_PG_BINDIR,
    else the newest /usr/lib/postgresql/*/bin (Debian), else None."""
    wanted = ("initdb", "pg_ctl", "pg_basebackup")
    candidates = [os.environ.get(BINDIR_ENV, "")]
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda path: int(path.split("/")[-2]) if path.split("/")[-2].isdigit() else 0,
        reverse=True,
    )
    for bindir in filter(None, candidates):
        if all(os.access(os.path.join(bindir, tool), os.X_OK) for tool in wanted):
            return bindir
    return None


def missing_message():
    return (
        "The replica tests need the PostgreSQL server binaries (initdb, pg_ctl, "
        "pg_basebackup): install postgresql (Debian: /usr/lib/postgresql/<version>/bin) "
        f"or point {BINDIR_ENV} at their folder."
    )


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrimaryAndReplica:
    """A primary (``self.primary``) and its hot standby (``self.replica``):
    connection parameters for psycopg2 (``host`` is the socket folder)."""

    def __init__(self, bindir):
        self.bindir = bindir
        self.folder = None
        self.primary = self.replica = None
        self._started = []
        self._owner = None
        if os.geteuid() == 0:
            self._owner = pwd.getpwnam("postgres")

    # -- commands ----------------------------------------------------------

    def _server_cmd(self, tool, *args):
        cmd = [os.path.join(self.bindir, tool), *args]
        if self._owner is not None:
            cmd = ["runuser", "-u", self._owner.pw_name, "--", *cmd]
        return cmd

    def _run(self, tool, *args):
        result = subprocess.run(
            self._server_cmd(tool, *args),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise RuntimeError(f"{tool} failed ({result.returncode}): {result.stderr.strip()}")
        return result.stdout

    def _params(self, port, dbname="postgres"):
        return {"host": self.folder, "port": port, "user": ROLE, "dbname": dbname}

    # -- life cycle ----------------------------------------------------------

    def start(self, source_db, source_params=None):
        """Start the primary, copy ``source_db`` (from the server of libpq's
        environment, or ``source_params``: host, port, user, password) into
        it under the same name, then start the replica."""
        self.folder = tempfile.mkdtemp(prefix="re_replica_")
        if self._owner is not None:
            os.chown(self.folder, self._owner.pw_uid, self._owner.pw_gid)
        try:
            primary_port, replica_port = _free_port(), _free_port()
            self._init_primary(primary_port)
            self.primary = self._params(primary_port, source_db)
            self._copy_database(source_db, source_params or {})
            self._base_backup(replica_port)
            self.replica = self._params(replica_port, source_db)
            self.wait_caught_up()
        except BaseException:
            self.stop()
            raise
        return self

    def _init_primary(self, port):
        data = os.path.join(self.folder, "primary")
        self._run(
            "initdb",
            "-D",
            data,
            "-U",
            ROLE,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            "--no-instructions",
        )
        settings = {
            "port": port,
            "listen_addresses": "''",
            "unix_socket_directories": f"'{self.folder}'",
            "max_connections": 60,
            "shared_buffers": "'32MB'",
            # a throw-away cluster: nothing has to survive a crash
            "fsync": "off",
            "wal_level": "replica",
            "max_wal_senders": 4,
            "hot_standby": "on",
        }
        conf = "".join(f"{key} = {value}\n" for key, value in settings.items())
        with open(os.path.join(data, "postgresql.conf"), "a", encoding="utf-8") as file:
            file.write(conf)
        self._pg_ctl_start(data)

    def _pg_ctl_start(self, data, *options):
        log = os.path.join(self.folder, os.path.basename(data) + ".log")
        args = ["-D", data, "-l", log, "-w", "-t", "60"]
        if options:
            args += ["-o", " ".join(options)]
        self._run("pg_ctl", *args, "start")
        self._started.append(data)

    def _copy_database(self, source_db, source):
        env = dict(os.environ)
        for key, var in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER")):
            if source.get(key):
                env[var] = str(source[key])
        if source.get("password"):
            env["PGPASSWORD"] = source["password"]
        target = ["-h", self.folder, "-p", str(self.primary["port"]), "-U", ROLE]
        createdb = os.path.join(self.bindir, "createdb")
        subprocess.run([createdb, *target, "-T", "template0", source_db], check=True)
        dump = subprocess.Popen(
            [os.path.join(self.bindir, "pg_dump"), "--no-owner", "--no-privileges", source_db],
            stdout=subprocess.PIPE,
            env=env,
        )
        quiet = ["-q", "-v", "ON_ERROR_STOP=1", "-o", os.devnull]
        restore = subprocess.run(
            [os.path.join(self.bindir, "psql"), *target, *quiet, "-d", source_db],
            stdin=dump.stdout,
            check=False,
        )
        dump.stdout.close()
        if dump.wait() or restore.returncode:
            raise RuntimeError(f"copying database {source_db} into the throw-away primary failed")

    def _base_backup(self, port):
        data = os.path.join(self.folder, "replica")
        self._run(
            "pg_basebackup",
            "-h",
            self.folder,
            "-p",
            str(self.primary["port"]),
            "-U",
            ROLE,
            "-D",
            data,
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
            "--no-sync",
        )
        self._pg_ctl_start(data, f"-p {port}")

    def stop(self):
        """Stop both servers (immediately: nothing to keep) and delete the folder."""
        for data in reversed(self._started):
            with contextlib.suppress(RuntimeError):  # already down
                self._run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        self._started = []
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    # -- helpers for tests -----------------------------------------------------

    def connect(self, which="primary"):
        """An autocommit connection to the primary or the replica."""
        cnx = psycopg2.connect(**getattr(self, which))
        cnx.autocommit = True
        return cnx

    def query(self, which, sql, params=None):
        with self.connect(which) as cnx, cnx.cursor() as cr:
            cr.execute(sql, params)
            rows = cr.fetchall() if cr.description else []
        cnx.close()
        return rows

    def wait_caught_up(self, timeout=30):
        """Wait until the replica has replayed everything the primary had
        written when this was called."""
        lsn = self.query("primary", "SELECT pg_current_wal_lsn()")[0][0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.query("replica", "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if rows[0][0]:
                return
            time.sleep(0.05)
        raise RuntimeError(f"the replica did not replay up to {lsn} in {timeout}s")

    def pause_replay(self, timeout=30):
        """Pause replay on the replica, and wait until it is paused (a pause
        is only requested at first: replay may apply a little more)."""
        self.query("replica", "SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + timeout
        while self.query("replica", "SELECT pg_get_wal_replay_pause_state()")[0][0] != "paused":
            if time.monotonic() > deadline:
                raise RuntimeError(f"replay on the replica not paused in {timeout}s")
            time.sleep(0.02)

    def resume_replay(self):
        self.query("replica", "SELECT pg_wal_replay_resume()")


if __name__ == "__main__":
    found = find_bindir()
    if not found:
        sys.exit(missing_message())
    pair = PrimaryAndReplica(found).start(sys.argv[1])
    sys.stdout.write(f"primary: {pair.primary}\nreplica: {pair.replica}\nEnter stops both.\n")
    try:
        input()
    finally:
        pair.stop()
