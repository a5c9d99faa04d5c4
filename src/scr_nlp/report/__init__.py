"""One self-contained HTML report from tag-batch results: plotly charts, CSS, JS and data
inline, every number a way into its evidence."""

from scr_nlp.report.page import build_report, write_report

__all__ = ["build_report", "write_report"]
