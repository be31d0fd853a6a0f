"""What an instance tells its operators: Prometheus metrics and a structured access log.

Metrics (prometheus_client, one registry per app so several apps in one process do not mix):

    xaweb_qa_submissions_total{kind, outcome}   questions and ratings: accepted, repeated, or the refusal's code
    xaweb_qa_request_seconds{route}             latency histogram, by route (never by raw path)
    xaweb_qa_database_errors_total              requests that failed on the database, failed health checks
    xaweb_qa_requests_in_flight                 requests being handled now
    xaweb_qa_questions_waiting{site}            questions received and not yet answered, read at each scrape

The access log is one JSON object per request on the `xaweb.qa.access` logger, with no personal
data: no client address, no query string (a status lookup carries a tracking code), no user agent.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from .store import Store

access_log = logging.getLogger("xaweb.qa.access")
# Seconds: a submission takes a few milliseconds; a slow disk or a lost database, seconds.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _Waiting(Collector):
    def __init__(self, store: Store, errors: Counter) -> None:
        self.store, self.errors = store, errors

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("xaweb_qa_questions_waiting", "Questions received and not yet answered, per site.",
                                   labels=["site"])
        try:
            counts = self.store.waiting_counts()
        except Exception:  # noqa: BLE001 - a scrape while the database is down still reports the rest
            self.errors.inc()
            return
        for site, count in sorted(counts.items()):
            family.add_metric([site], count)
        yield family


class Metrics:
    def __init__(self, store: Store) -> None:
        self.registry = CollectorRegistry()
        self.submissions = Counter("xaweb_qa_submissions", "Questions and ratings submitted, by outcome.",
                                   ["kind", "outcome"], registry=self.registry)
        self.latency = Histogram("xaweb_qa_request_seconds", "Time to handle a request, by route.", ["route"],
                                 buckets=BUCKETS, registry=self.registry)
        self.database_errors = Counter("xaweb_qa_database_errors", "Requests and checks that failed on the database.",
                                       registry=self.registry)
        self.in_flight = Gauge("xaweb_qa_requests_in_flight", "Requests being handled now.", registry=self.registry)
        self.registry.register(_Waiting(store, self.database_errors))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def log_request(method: str, route: str, path: str, status: int, seconds: float) -> None:
    if access_log.isEnabledFor(logging.INFO):
        access_log.info(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "method": method,
                                    "route": route, "path": path, "status": status, "ms": round(seconds * 1000, 2)},
                                   ensure_ascii=False))
