"""`xaweb check --province DIR`: `xaweb check` on every commune, as its province build sees it.

Each commune is checked with its merged config and the shared content meant for it
(the same `Layer` the build uses), so the command line, the JSON for CI and the
portal's dashboard report the same findings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from ..check.model import Finding, Report
from ..check.site import CheckOptions, check_site
from ..errors import BuildError
from ..vietnamese import VN_TZ
from .build import select
from .commune import commune_layer, load_shared
from .load import from_province, load_province


@dataclass(frozen=True)
class CommuneReport:
    code: str
    name: str
    report: Report

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "commune": self.name, **self.report.to_json()}


def check_province(root: Path, options: CheckOptions, only: tuple[str, ...] = (),
                   progress: Callable[[int, int], None] = lambda done, total: None) -> list[CommuneReport]:
    """Every commune's report, in code order; raises BuildError when the province folder itself is wrong."""
    province = load_province(root)
    shared = load_shared(province)
    if any(p.level == "error" for p in shared.problems):
        raise BuildError(shared.problems)
    communes = select(province.communes, only, None)
    reports = []
    for i, commune in enumerate(communes, 1):
        site_dir = province.commune_dir(commune)
        try:
            report = check_site(site_dir, replace(options, layer=commune_layer(province, commune, shared, None)))
        except BuildError as exc:  # its own site.yaml
            findings = tuple(Finding(p.path, p.line, p.level, p.code or "build", p.message) for p in exc.problems)
            report = Report(str(site_dir), commune.full_name, commune.code, options.now or datetime.now(VN_TZ), 0, findings)
        report = replace(report, findings=tuple(from_province(commune, f) for f in report.findings))
        reports.append(CommuneReport(commune.code, commune.full_name, report))
        progress(i, len(communes))
    return reports
