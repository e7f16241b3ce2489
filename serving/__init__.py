"""One request inside Odoo, from ``ir.http._match`` to the response and its log row.

Imports ``odoo`` and ``core/``; never the models, controllers or wizards (they
import this package). The path of one request to a published endpoint::

    models/ir_http._match       Odoo's routing map first; on a miss:
      registry                  the process's table of published endpoints, brought
                                up to date from the registry version (one query)
      key_stamp                 read with that version (the key stamp)
      freshness                 on a read replica: both from the primary when the
                                request runs there or the replica lags too much
      route_guard               (at publish) a route never shadows an Odoo route
    models/ir_http._authenticate
      auth                      bearer keys (trusted while the key stamp holds),
                                sessions, scopes, allowed groups, the user it runs as
        oauth_tokens, jwt_tokens  behind auth.CREDENTIALS: access tokens issued here
                                and JWTs of trusted issuers, under the same stamp

    controllers/oauth (/oauth/*) runs oauth_server: Authlib's grants bound to Odoo
    dispatcher                  the pipeline, in order:
      cross_site                CORS, preflight, cross-site refusal, CSRF
      rate_limit (+ side_sql)   429 before the body is read; counted in PostgreSQL
                                on an autocommit side connection
      params                    system parameters (body size, log sizes)
      core/request              body parsing, JSON-RPC envelope, schema (400/413/415)
      snippet_context           the snippet's variables; or resource_handler for a
                                model resource
      core/request/errors       every failure rendered by one error contract
      request_log, metrics      after the response is sent: the log row (batched
                                writer thread) and the Prometheus counters
"""
