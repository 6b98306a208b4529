"""Read models of the pages: what a page shows, built from the domains' use cases.

One function per page (or per map); no Flask, no French labels (templates turn codes into
words), no writes. Views parse the request, call one of these, and render.
"""
