"""The oauth2 security scheme (issue 20): scoped bearer endpoints accept
API keys of their scope or OAuth access tokens of their scope."""

from openapi_spec_validator import validate as validate_openapi

from core.openapi.document import build_document
from core.openapi.tests.snapshots import config


def document(*configs):
    doc = build_document(list(configs), server_url="http://api.example.com/")
    validate_openapi(doc)
    return doc


def test_scoped_bearer_endpoints_get_oauth2():
    doc = document(
        config(1, "/api/me", api_key_scope="mobile"),
        config(2, "/api/orders", api_key_scope="sales"),
        config(3, "/api/plain"),
    )
    schemes = doc["components"]["securitySchemes"]
    oauth = schemes["oauth2"]
    code = oauth["flows"]["authorizationCode"]
    assert code["authorizationUrl"] == "/oauth/authorize"
    assert code["tokenUrl"] == "/oauth/token"
    assert sorted(code["scopes"]) == ["mobile", "sales"]
    assert sorted(oauth["flows"]["clientCredentials"]["scopes"]) == ["mobile", "sales"]
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    me = doc["paths"]["/api/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}, {"oauth2": ["mobile"]}]
    # an unscoped bearer endpoint takes global API keys only: no token opens it
    assert doc["paths"]["/api/plain"]["get"]["security"] == [{"bearerAuth": []}]


def test_no_scoped_endpoint_no_oauth2():
    doc = document(config(1, "/api/plain"))
    assert "oauth2" not in doc["components"]["securitySchemes"]
