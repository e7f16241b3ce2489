"""The OpenAPI 3.1 document of the published endpoints.

``document`` walks the endpoints and assembles the document; ``operations``
builds one operation (parameters, bodies, responses); ``schemas`` turns routes,
converters and request schemas into OpenAPI schemas; ``components`` holds the
shared error components (mirroring ``core/request/errors``), security schemes and
the introduction; ``resource`` the operations of a model resource.

Pure Python: may import ``core.request``, ``core.routing`` and ``core.resource``.
"""
