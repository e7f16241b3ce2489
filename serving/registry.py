# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The process-local table of published endpoints, and how it stays fresh.

Why not Odoo's routing map: it is a werkzeug ``Map`` ormcached in the
``routing`` cache, and invalidating that cache makes every worker rebuild the
map of every controller of every module on its next request (about 0.1 ms per
rule, so 75-210 ms with 1000 endpoints). Instead, each process keeps this
table beside Odoo's map, on the registry object of the database:

* a request Odoo's own map serves never touches it (the ``ir.http._match``
  override asks Odoo first: Odoo's routes always win);
* a request Odoo's map would answer with 404 reads the registry version (one
  indexed row), reloads only the records whose ``published_version``
  changed, reusing compiled snippets, schemas and route matchers of the
  others, and then looks the path up here.

A sync commits the snapshot and the new version in the same transaction, so
every process, on every server sharing the database, sees both at once, and a
shell, a cron or another server publishing is seen like a back-office click.
"""

import threading
from dataclasses import dataclass

from odoo.tools import SQL
from odoo.tools.safe_eval import _BUILTINS, _SAFE_OPCODES, check_values

from ..core.request.logsafe import get_logger
from ..core.request.schema import compile_schema
from ..core.routing.router import Router

_logger = get_logger(__name__)

STATE_TABLE = "rest_endpoint_registry_state"
STATE_SEQUENCE = "rest_endpoint_registry_version_seq"
LOG_TABLE = "rest_endpoint_registry_log"
#: safe_eval's opcode whitelist: snippets are compiled under its rules once
#: per sync, then the code object is run as is on every request.
SAFE_OPCODES = _SAFE_OPCODES

#: Odoo's routing type of our rules: it selects our Dispatcher subclass.
ROUTING_TYPE = "rest_endpoint"
#: Odoo's auth of our rules: ir.http._authenticate defers to our own checks.
ROUTING_AUTH = "rest_endpoint"


class CompiledEndpoint:
    """One published record, compiled once per sync in each process."""

    __slots__ = (
        "_routings",
        "api_key_scope",
        "auth_type",
        "bindings",
        "code",
        "config",
        "content_type",
        "cors_any",
        "cors_origins",
        "exec_as_user_id",
        "exec_mode",
        "group_ids",
        "id",
        "log_bodies",
        "log_requests",
        "method",
        "name",
        "rate_limit",
        "rate_limit_by",
        "rate_limit_period",
        "response_validator",
        "route",
        "route_type",
        "routing",
        "validator",
        "version",
    )

    def __init__(self, config, version, code):
        self.config = config
        self.version = version
        self.id = config["id"]
        self.name = config["name"]
        self.route = config["route"]
        self.method = config["method"]
        # The (route, method) pairs served: one for a code endpoint, several
        # for a model resource (its collection and item paths).
        self.bindings = tuple(
            (route, method)
            for route, method in config.get("bindings") or [(self.route, self.method)]
        )
        self.route_type = config["route_type"]
        self.auth_type = config["auth_type"]
        self.exec_as_user_id = config.get("exec_as_user_id")
        self.exec_mode = config["exec_mode"]
        self.content_type = config.get("content_type") or ""
        self.group_ids = frozenset(config.get("group_ids") or ())
        # Operations (snapshots published before these existed get defaults).
        self.api_key_scope = config.get("api_key_scope") or None
        self.log_requests = config.get("log_requests") or "errors"
        self.log_bodies = bool(config.get("log_bodies"))
        self.rate_limit = config.get("rate_limit") or 0
        self.rate_limit_period = config.get("rate_limit_period") or 60
        self.rate_limit_by = config.get("rate_limit_by") or "user"
        self.code = code
        self.validator = compile_schema(config.get("schema"), self.content_type)
        self.response_validator = compile_schema(config.get("response_schema"), "application/json")
        origins = {o.strip() for o in (config.get("cors") or "").split(",") if o.strip()}
        self.cors_any = "*" in origins
        self.cors_origins = frozenset(origins - {"*"})
        methods = sorted({method for _route, method in self.bindings})
        readonly = bool(config.get("readonly"))
        stateless = self.auth_type != "user_endpoint"
        self.routing = _routing(methods, self.route, readonly=readonly, stateless=stateless)
        # Odoo's read-only cursor (the replica, when there is one) per method:
        # a code endpoint's ``readonly`` flag; a model resource's reads
        # (list and item GET) always, its writes only with the flag.
        self._routings = {
            method: _routing(
                methods,
                self.route,
                readonly=readonly or (self.exec_mode == "resource" and method == "GET"),
                stateless=stateless,
            )
            for method in methods
        }

    def routing_for(self, method):
        """The ``routing`` of a request with ``method`` (HEAD: GET's)."""
        return self._routings.get("GET" if method == "HEAD" else method, self.routing)

    def allows_origin(self, origin):
        return bool(origin) and (self.cors_any or origin in self.cors_origins)

    def run_code(self, context):
        """Run the compiled snippet the way ``safe_eval`` would, minus the
        compile: same value checks, same builtins, top-level semantics."""
        check_values(context)
        globals_dict = dict(context, __builtins__=dict(_BUILTINS))
        exec(self.code, globals_dict, None)  # pylint: disable=exec-used
        return globals_dict.get("result")


def _routing(methods, route, *, readonly=False, stateless=True):
    """The ``routing`` dict Odoo's request handling reads on our endpoints."""
    return {
        "type": ROUTING_TYPE,
        "auth": ROUTING_AUTH,
        "methods": list(methods),
        "routes": [route],
        "readonly": readonly,
        "csrf": False,  # checked by the dispatcher, per endpoint
        "save_session": not stateless,
        "cors": None,  # answered by the dispatcher, per endpoint
    }


class EndpointHandler:
    """The ``rule.endpoint`` Odoo sees for a request to a published path.

    ``compiled`` is None when the method is not published on the path (the
    dispatcher answers 405) or for a CORS preflight.
    """

    __slots__ = ("args", "compiled", "entry", "routing")

    def __init__(self, entry, compiled, args, method=None):
        self.entry = entry
        self.compiled = compiled
        self.args = args
        self.routing = (
            compiled.routing_for(method)
            if compiled
            else _routing(entry.allowed_methods, entry.route)
        )

    def __call__(self, **kw):  # Odoo never calls it: our dispatcher does the work
        raise NotImplementedError


@dataclass
class Rule:
    """The minimal werkzeug-rule interface ``odoo.http`` uses."""

    endpoint: EndpointHandler
    rule: str
    methods: tuple = ()


class PublishedTable:
    _version_query = SQL("SELECT version FROM %s", SQL.identifier(STATE_TABLE))
    _all_query = (
        "SELECT id, published_version, published_config FROM endpoint_endpoint"
        " WHERE published_config IS NOT NULL"
    )
    _rows_query = (
        "SELECT id, published_version, published_config FROM endpoint_endpoint"
        " WHERE id = ANY(%s) AND published_config IS NOT NULL"
    )

    def __init__(self):
        self.version = None
        self.router = Router()
        self.endpoints = {}  # record id -> CompiledEndpoint
        self.prefixes = frozenset()
        self._lock = threading.Lock()

    def match(self, path):
        return self.router.match(path)

    def is_api_path(self, path):
        """Whether a path lies where endpoints live (same first segment as a
        route of some endpoint record), so its 404 is answered in JSON."""
        return path.startswith("/") and path.split("/", 2)[1] in self.prefixes

    def read_version(self, cr):
        cr.execute(self._version_query)
        row = cr.fetchone()
        return row[0] if row else None

    def refresh(self, env, version=None):
        """Bring the table in line with the database (at ``version``, when
        the caller read it already).

        Whether the table changed is not returned: another thread may have
        loaded the new version a moment before this one read it. A caller
        that matched a path first compares ``version`` before and after."""
        if version is None:
            version = self.read_version(env.cr)
        if version != self.version:
            with self._lock:
                if version != self.version:
                    self._load(env, version)

    def _load(self, env, version):
        cr = env.cr
        if self.version is not None and version > self.version:
            # The version we hold must still be in the log: a transaction we
            # saw uncommitted (tests serve HTTP inside the test transaction)
            # may have been rolled back since, and its changes with it.
            cr.execute(
                SQL(
                    "SELECT EXISTS(SELECT 1 FROM %s WHERE version = %s)",
                    SQL.identifier(LOG_TABLE),
                    self.version,
                )
            )
            rolled_back = not cr.fetchone()[0]
        else:
            rolled_back = True
        if rolled_back:
            # First load, or the state we loaded is gone: reload everything.
            cr.execute(self._all_query)
            rows = cr.fetchall()
            self._apply(env, version, rows, removed=set(self.endpoints), full=True)
            return
        cr.execute(
            SQL(
                "SELECT DISTINCT record_id FROM %s WHERE version > %s AND version <= %s",
                SQL.identifier(LOG_TABLE),
                self.version,
                version,
            )
        )
        touched = [row[0] for row in cr.fetchall()]
        rows = []
        if touched:
            cr.execute(self._rows_query, [touched])
            rows = cr.fetchall()
        live = {row[0] for row in rows}
        removed = {rid for rid in touched if rid not in live and rid in self.endpoints}
        self._apply(env, version, rows, removed=removed, full=False)

    def _apply(self, env, version, rows, removed, full):
        """Compile ``rows`` (id, version, config) and swap them in.

        When only the code, schema or settings of already-published
        (route, method) pairs changed, the router is updated in place (a dict
        assignment, atomic for concurrent readers); otherwise a copy sharing
        every compiled matcher is changed and swapped in.
        """
        endpoints = {} if full else dict(self.endpoints)
        compiled_rows = []
        for rid, ver, config in rows:
            old = endpoints.get(rid)
            if old is not None and old.version == ver:
                continue
            compiled = self._compile(env, config, ver)
            if compiled is not None:
                compiled_rows.append((old, compiled))
            elif old is not None:
                removed.add(rid)
        structural = (
            full
            or removed
            or any(old is None or old.bindings != new.bindings for old, new in compiled_rows)
        )
        router = Router() if full else self.router.clone() if structural else self.router
        for rid in removed:
            old = endpoints.pop(rid, None)
            if old is not None and not full:
                for route, method in old.bindings:
                    router.discard(route, method, old)
        for old, new in compiled_rows:
            if old is not None and structural and not full:
                for route, method in old.bindings:
                    router.discard(route, method, old)  # on the copy
            endpoints[new.id] = new
            # In place, this replaces the target of an existing (route,
            # method): readers see the old endpoint or the new one, never none.
            for route, method in new.bindings:
                router.set(route, method, new)
        prefixes = self.prefixes
        if full or any(old is None or old.route != new.route for old, new in compiled_rows):
            # Union with what this process knew: the path of a deleted
            # endpoint keeps answering in JSON.
            env.cr.execute(
                "SELECT DISTINCT split_part(route, '/', 2) FROM endpoint_endpoint"
                " WHERE route IS NOT NULL"
            )
            prefixes = prefixes.union(r[0] for r in env.cr.fetchall() if r[0])
        # Swap in one go: concurrent readers see the old table or the new one.
        self.router, self.endpoints, self.prefixes = router, endpoints, prefixes
        self.version = version
        _logger.debug(
            "Endpoint table at version %s: %d endpoint(s), %d compiled, %d removed%s",
            version,
            len(endpoints),
            len(compiled_rows),
            len(removed),
            " (full reload)" if full else "",
        )

    def _compile(self, env, config, version):
        try:
            Endpoint = env["endpoint.endpoint"].sudo()
            code = getattr(Endpoint, f"_compile_exec__{config['exec_mode']}")(config)
            return CompiledEndpoint(config, version, code)
        except Exception:
            _logger.exception(
                "Cannot serve published endpoint %s (%s %s); skipped",
                config.get("name"),
                config.get("method"),
                config.get("route"),
            )
            return None


_tables_lock = threading.Lock()


def get_table(registry):
    """The table of a registry (one per database and registry generation)."""
    table = getattr(registry, "_rest_endpoint_table", None)
    if table is None:
        with _tables_lock:
            table = getattr(registry, "_rest_endpoint_table", None)
            if table is None:
                table = PublishedTable()
                registry._rest_endpoint_table = table
    return table
