"""Citizen Q&A: the endpoint that takes questions and ratings, its moderation and publishing.

`core` holds the rules and knows nothing of HTTP or SQL; `store_*` and `app`
are thin adapters around it (Flask's "sansio" idea); `publish` turns an export
into content for `xaweb build`.
"""
