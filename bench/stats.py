"""Shared by the benchmarks: how a series of measured times is printed."""

import statistics


def fmt_ms(results):
    """'334 ms (269–361)' for a list of ms (None = no takeover in that rep)."""
    ok = [r for r in results if r is not None]
    if not ok:
        return "no takeover"
    s = f"{statistics.median(ok):.0f} ms ({min(ok):.0f}–{max(ok):.0f})"
    if len(ok) < len(results):
        s += f", {len(results) - len(ok)} missed"
    return s
