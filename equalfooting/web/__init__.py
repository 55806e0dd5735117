"""The web shell on top of every part: home page, error pages, middleware, context processors.

It may import from any part; no part imports from it.
"""
