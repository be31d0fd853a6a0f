"""`xaweb check`: the site's problems in one report (site.py runs it; model.py holds what it reports)."""

from .model import CODES, Finding, Report
from .site import CheckOptions, check_site, format_text

__all__ = ["CODES", "CheckOptions", "Finding", "Report", "check_site", "format_text"]
