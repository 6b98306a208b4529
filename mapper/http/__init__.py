"""HTTP plumbing shared by every blueprint (``api``, ``web``, ``embed``): the one error handler
(problem+json or a French page), security headers and CSP nonces, the request's principal, the
self-hosted map assets, and the helpers that put a Folium map inside a page.

Blueprints import from here; nothing here imports a blueprint. Services never import it.
"""
