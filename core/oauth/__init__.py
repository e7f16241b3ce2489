"""OAuth 2.1 and JWT pieces that need no Odoo: token formats and hashing
(``tokens``), redirect URI matching per RFC 8252 and scope lists
(``clients``), and the claim checks of JWTs from trusted issuers (``jwt``).

The protocol itself (grants, PKCE, RFC 7009/7662) is Authlib's; this package
holds only the rules of this addon around it. Pure Python: imports only the
standard library, PyJWT and cryptography, nothing else of ``core``.
"""
