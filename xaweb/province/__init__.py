"""A province: every commune site from one folder, and the portal that supervises them.

    load.py      province.yaml and communes.csv -> Province (every problem with file:line)
    commune.py   one commune's config (province defaults < its row < its site.yaml) and shared content
    figures.py   what the portal shows of each commune: the same rules as `xaweb check`, activity
    portal.py    the province portal: communes, latest news, the monitoring dashboard
    build.py     `xaweb build --province`: each commune on its own, failures isolated, then the portal

Nothing here is needed to build a single site; the single-site pipeline knows nothing of it.
"""
