"""Source feeds: what the province and central source information systems push down.

    fetch (the only I/O: HTTP, the local copy cache)  ->  adapters (bytes -> Parsed)
    -> merge (filter, dedupe, order, priorities, alert lifetimes)  ->  Site.feed_items / Site.alerts

Everything a feed says is untrusted: `safety.py` turns it into plain text,
sanitised HTML and absolute http(s) links before anything else sees it.
See docs/sources.md.
"""
