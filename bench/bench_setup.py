"""What ``bench.py`` sets up: its databases, request bodies, and the Odoo
shell scripts that create the endpoints measured (rest_endpoint's and OCA's)
and time syncs."""

DB_OURS = "rest_endpoint_bench"
DB_OCA = "rest_endpoint_bench_oca"
DB_PLAIN = "rest_endpoint_bench_plain"
BODY = {"status": "ok", "data": {"id": 1, "name": "Bench"}}
ORDER = {
    "customer": "ACME",
    "reference": "PO-2026-0042",
    "items": [{"sku": f"SKU-{i}", "qty": i + 1, "price": 9.5} for i in range(10)],
}
ORDER_SCHEMA = """
type: object
required: [customer, items]
additionalProperties: false
properties:
  customer: {type: string, minLength: 1}
  reference: {type: string}
  items:
    type: array
    minItems: 1
    items:
      type: object
      required: [sku, qty, price]
      properties:
        sku: {type: string}
        qty: {type: integer, minimum: 1}
        price: {type: number, minimum: 0}
"""
#: The fields of the resource benchmarks (resource list vs JSON-2 search_read).
RESOURCE_FIELDS = ("name", "email", "phone", "city", "ref")
#: Companies with their contacts (expanded list vs two JSON-2 search_read).
COMPANIES, CONTACTS_PER_COMPANY = 20, 3
COMPANY_FIELDS = ("name", "email")
CONTACT_FIELDS = ("name", "email")
SCALE_EXTRA = 990  # 10 -> 1000 published endpoints


SETUP_COMMON = """
import json
E = env["endpoint.endpoint"].with_context(active_test=False)
admin = env.ref("base.user_admin")
BODY = %(body)r

def ensure(route, method="GET", **vals):
    rec = E.search([("route", "=", route), ("request_method", "=", method)])
    vals = dict(name=route, route=route, request_method=method, active=True, **vals)
    if rec:
        rec.write(vals)
    else:
        rec = E.create(vals)
    rec.write({"registry_sync": True})
    return rec

Keys = env["res.users.apikeys"].sudo()
Keys.search([("name", "=", "bench")])._remove()
key = Keys.with_user(admin)._generate(None, "bench", None)
"""

SETUP_OURS = (
    SETUP_COMMON
    + """
RESOURCE_FIELDS = %(resource_fields)r
snippet = "result = {'payload': %%r}" %% (BODY,)
ensure("/bench/ep/public", auth_type="public", exec_as_user_id=admin.id, code_snippet=snippet)
ensure("/bench/ep/bearer", auth_type="bearer", exec_as_user_id=False, code_snippet=snippet)
order = "result = {'payload': {'status': 'ok', 'lines': len(payload['items'])}}"
ensure("/bench/ep/order", "POST", auth_type="public", exec_as_user_id=admin.id,
       request_content_type="application/json", request_content_schema=False, code_snippet=order)
ensure("/bench/ep/order-schema", "POST", auth_type="public", exec_as_user_id=admin.id,
       request_content_type="application/json", request_content_schema=%(schema)r,
       code_snippet=order)
ensure("/bench/ep/jsonrpc", "POST", route_type="json", auth_type="public",
       exec_as_user_id=admin.id, request_content_type="application/json", code_snippet=snippet)
# Production features, side by side (same snippet as /bench/ep/public).
ensure("/bench/ep/log-all", auth_type="public", exec_as_user_id=admin.id, code_snippet=snippet,
       log_requests="all")
ensure("/bench/ep/log-none", auth_type="public", exec_as_user_id=admin.id, code_snippet=snippet,
       log_requests="none")
ensure("/bench/ep/limited", auth_type="public", exec_as_user_id=admin.id, code_snippet=snippet,
       rate_limit=1000000000, rate_limit_period=60)
probe = ensure("/bench/ep/probe", auth_type="public", exec_as_user_id=admin.id,
               code_snippet="result = {'payload': 0}")
# A model resource (20 partners, 5 fields) and the code endpoint doing its item read.
Partner = env["res.partner"]
partners = Partner.search([("ref", "=", "bench-res")], order="id")
partners |= Partner.create([{"name": "Bench %%02d" %% i, "ref": "bench-res", "email":
    "b%%d@example.com" %% i, "phone": "+32 2 555 %%02d" %% i, "city": "Liège"}
    for i in range(len(partners), 20)])
field_ids = env["ir.model.fields"]._get_ids("res.partner")
five = [field_ids[n] for n in RESOURCE_FIELDS]
ensure("/bench/res/partners", auth_type="bearer", exec_as_user_id=False, exec_mode="resource",
       code_snippet=False, resource_model_id=env["ir.model"]._get_id("res.partner"),
       resource_field_ids=[(6, 0, five)], resource_domain="[('ref', '=', 'bench-res')]",
       resource_list=True, resource_read=True, resource_page_size=20)
item = ("p = env['res.partner'].browse(params['partner_id']).exists()\\n"
        "if not p:\\n    raise werkzeug.exceptions.NotFound()\\n"
        "result = {'payload': {'status': 'success', 'data': {'id': p.id, "
        + ", ".join("%%r: p.%%s or None" %% (n, n) for n in RESOURCE_FIELDS) + "}}}")
ensure("/bench/ep/partner/<int:partner_id>", auth_type="bearer", exec_as_user_id=False,
       code_snippet=item)
# Companies with their contacts, and a resource expanding them (resource_expand).
companies = Partner.search([("ref", "=", "bench-co")], order="id")
companies |= Partner.create([{"name": "Bench Co %%02d" %% i, "ref": "bench-co",
    "is_company": True, "email": "co%%d@example.com" %% i}
    for i in range(len(companies), %(companies)d)])
for company in companies:
    missing = %(contacts)d - len(company.child_ids)
    Partner.create([{"name": "%%s contact %%d" %% (company.name, i), "parent_id": company.id,
        "type": "contact", "email": "c%%d.%%d@example.com" %% (company.id, i)}
        for i in range(missing)])
ensure("/bench/res/companies", auth_type="bearer", exec_as_user_id=False, exec_mode="resource",
       code_snippet=False, resource_model_id=env["ir.model"]._get_id("res.partner"),
       resource_field_ids=[(6, 0, [field_ids[n] for n in (*%(company_fields)r, "child_ids")])],
       resource_domain="[('ref', '=', 'bench-co')]", resource_list=True, resource_read=True,
       resource_page_size=%(companies)d,
       resource_expand="child_ids(%%s)" %% ", ".join(%(contact_fields)r))
# A resource that creates contacts: the POST idempotency keys are for (one
# that writes), with and without a key.
contact_fields = [(6, 0, [field_ids[n] for n in ("name", "email", "phone", "ref")])]
ensure("/bench/res/contacts", auth_type="bearer", exec_as_user_id=False, exec_mode="resource",
       code_snippet=False, resource_model_id=env["ir.model"]._get_id("res.partner"),
       resource_field_ids=contact_fields, resource_writable_field_ids=contact_fields,
       resource_domain="[('ref', '=', 'bench-new')]", resource_list=False,
       resource_read=True, resource_create=True)
env.cr.commit()
print("RESULT=" + json.dumps({"key": key, "probe": probe.id, "partner": partners[0].id,
      "companies": companies.ids,
      "published": E.search_count([("registry_sync", "=", True), ("active", "=", True)])}))
"""
)

SETUP_OCA = (
    SETUP_COMMON
    + """
snippet = ("result = {'response': Response(%%r, content_type='application/json; charset=utf-8')}"
           %% (json.dumps(BODY, separators=(",", ":")),))
ensure("/bench/ep/public", auth_type="public", exec_as_user_id=admin.id, exec_mode="code",
       code_snippet=snippet)
ensure("/bench/ep/bearer", auth_type="bearer", exec_mode="code", code_snippet=snippet)
probe = ensure("/bench/ep/probe", auth_type="public", exec_as_user_id=admin.id, exec_mode="code",
               code_snippet="result = {'response': Response('0')}")
env.cr.commit()
print("RESULT=" + json.dumps({"key": key, "probe": probe.id,
      "published": E.search_count([("registry_sync", "=", True), ("active", "=", True)])}))
"""
)

# Time to publish 1, 100, 1000 and 10000 new endpoints from a shell, as
# integrators script it: create them (out of sync), then sync them all in one
# write (median of 3; 10000: one run, its creation takes a while).
SYNC_SCALE = """
import json, time
E = env["endpoint.endpoint"]
admin = env.ref("base.user_admin")
out = {}
for n in (1, 100, 1000, 10000):
    times = []
    for attempt in range(3 if n < 10000 else 1):
        recs = E.create([
            dict(name="scale %%s %%s" %% (n, i),
                 route="/bench/sync%%s/a%%s/r%%s" %% (n, attempt, i),
                 auth_type="public", exec_as_user_id=admin.id, request_method="GET",
                 exec_mode="code", code_snippet=%(code)r)
            for i in range(n)
        ])
        env.cr.commit()
        t0 = time.perf_counter()
        recs.write({"registry_sync": True})
        env.cr.commit()
        times.append(time.perf_counter() - t0)
        recs.unlink()
        env.cr.commit()
    out[n] = sorted(times)[len(times) // 2]
print("RESULT=" + json.dumps(out))
"""

SCALE_SET = """
import json
E = env["endpoint.endpoint"].with_context(active_test=False)
admin = env.ref("base.user_admin")
recs = E.search([("route", "=like", "/bench/scale/%%")])
missing = %(n)d - len(recs)
if missing > 0:
    E.create([
        dict(name="scale %%s" %% i, route="/bench/scale/r%%s/<int:x>" %% (len(recs) + i),
             auth_type="public", exec_as_user_id=admin.id, request_method="GET",
             exec_mode="code", code_snippet=%(code)r, active=False)
        for i in range(missing)
    ])
    env.cr.commit()
recs = E.search([("route", "=like", "/bench/scale/%%")])
print("RESULT=" + json.dumps(recs.ids))
"""

# ``--only auth``: one bearer endpoint of scope ``bench`` called with a scoped
# API key, an access token (client credentials of a confidential client,
# issued by the real token endpoint in bench.py) and a trusted-issuer JWT
# (its JWKS made in bench.py, the issuer created here).
AUTH_SCOPE = "bench"
AUTH_ISSUER = "https://idp.bench.invalid"
AUTH_AUDIENCE = "rest_endpoint_bench"
SETUP_AUTH = (
    SETUP_COMMON
    + """
Keys.search([("name", "=", "bench auth")])._remove()
scoped_key = Keys.with_user(admin)._generate("rest_endpoint:%(scope)s", "bench auth", None)
snippet = "result = {'payload': %%r}" %% (BODY,)
ensure("/bench/auth/scoped", auth_type="bearer", exec_as_user_id=False, code_snippet=snippet,
       api_key_scope=%(scope)r)
Client = env["endpoint.oauth.client"].with_context(active_test=False)
client = Client.search([("name", "=", "bench auth")])
vals = {"name": "bench auth", "client_type": "confidential", "scopes": %(scope)r,
        "allow_client_credentials": True, "user_id": admin.id, "active": True,
        "access_token_lifetime": 86400, "redirect_uris": "https://bench.invalid/cb"}
if client:
    client.write(vals)
else:
    client = Client.create(vals)
secret = client._generate_secret()
Issuer = env["endpoint.jwt.issuer"].with_context(active_test=False)
issuer = Issuer.search([("issuer", "=", %(issuer)r)])
vals = {"name": "bench IdP", "issuer": %(issuer)r, "audience": %(audience)r,
        "jwks": %(jwks)r, "user_claim": "email", "algorithms": "RS256", "active": True}
if issuer:
    issuer.write(vals)
else:
    Issuer.create(vals)
env.cr.commit()
print("RESULT=" + json.dumps({"key": scoped_key, "client_id": client.client_id,
      "secret": secret, "login": admin.login}))
"""
)
