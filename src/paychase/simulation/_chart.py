"""The chart of a timeline: one lane per invoice, chase or client, a marker per entry.

`timeline_chart` draws with matplotlib, the optional ``paychase[charts]`` extra: it is imported
only when a chart is drawn, so that the rest of the package works without it. The same timeline
always gives the same SVG bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from paychase._files import write_bytes_atomically
from paychase.errors import InvalidCaseError, PluginError
from paychase.simulation._text import mode_text
from paychase.simulation._timeline import SimulationEntry, Timeline

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["timeline_chart"]

# What each entry looks like on the chart: its legend label, marker and colour.
_LOOKS: Final[Mapping[str, tuple[str, str, str]]] = {
    "send_reminder": ("reminder", "o", "#1f77b4"),
    "request_deposit": ("reminder", "o", "#1f77b4"),
    "request_milestone": ("reminder", "o", "#1f77b4"),
    "call": ("call", "^", "#ff7f0e"),
    "send_letter": ("letter", "s", "#8c564b"),
    "apply_fee": ("fee", "D", "#d62728"),
    "pause_work": ("suspension", "X", "#7f7f7f"),
    "suspend_service": ("suspension", "X", "#7f7f7f"),
    "resume_work": ("restoration", "P", "#17becf"),
    "restore_service": ("restoration", "P", "#17becf"),
    "escalate": ("escalation", "*", "#000000"),
    "write_off": ("write-off", "*", "#7f0000"),
    "cancel_service": ("cancellation", "X", "#000000"),
    "review": ("review", "d", "#bcbd22"),
    "pay": ("payment", "v", "#2ca02c"),
    "pay_in_part": ("payment", "v", "#2ca02c"),
    "promise": ("promise", "p", "#9467bd"),
    "reply": ("reply", "<", "#e377c2"),
    "dispute": ("dispute", "h", "#ff9896"),
    "bounce": ("bounce", "x", "#d62728"),
    "agree_plan": ("instalment plan", "8", "#2ca02c"),
    "resolve_dispute": ("dispute resolved", "H", "#17becf"),
}
_NOT_THROUGH: Final = frozenset({"bounced", "failed", "no_answer"})
_LINE_MARKERS: Final = frozenset({"x", "+", "|", "_"})
_SMALL: Final = frozenset({"fee", "review"})


def timeline_chart(timeline: Timeline, path: str | Path) -> Path:
    """Draw `timeline` as a chart: one lane per invoice, a marker per action or move.

    The format follows the suffix (``.svg`` or ``.png``); the same timeline always gives the
    same SVG bytes. Hollow markers are contacts that did not get through (bounced, failed,
    unanswered).

    Args:
        timeline: what `simulate` returned.
        path: where to write the chart.

    Returns:
        The path written.

    Raises:
        InvalidCaseError: the suffix is neither .svg nor .png.
        PluginError: matplotlib is not installed (``pip install 'paychase[charts]'``).
    """
    target = Path(path)
    kind = target.suffix.lower().removeprefix(".")
    if kind not in ("svg", "png"):
        raise InvalidCaseError("a chart is an .svg or a .png file", field="chart", value=str(path))
    try:
        import matplotlib  # noqa: PLC0415 - optional dependency, paychase[charts]
        from matplotlib.figure import Figure  # noqa: PLC0415
    except ImportError:
        raise PluginError(
            "charts need matplotlib: pip install 'paychase[charts]'", field="chart"
        ) from None
    lanes = _lanes(timeline)
    buffer = io.BytesIO()
    # A bare Figure draws with the Agg/SVG canvases without pyplot: no backend is chosen and
    # no global state of the host changes; the salt and the missing date make SVG repeatable.
    with matplotlib.rc_context({"svg.hashsalt": "paychase", "svg.fonttype": "path"}):
        figure = Figure(figsize=(11, 1.6 + 0.45 * max(len(lanes), 1)), layout="constrained")
        _draw(figure.add_subplot(), timeline, lanes)
        metadata: dict[str, Any] = {"Date": None} if kind == "svg" else {"Software": None}
        figure.savefig(buffer, format=kind, metadata=metadata, dpi=120)
    write_bytes_atomically(target, buffer.getvalue())
    return target


def _lanes(timeline: Timeline) -> list[tuple[str, str | None]]:
    """(client, lane) lanes: a client's invoices, chases (``chase:{id}``), then the client's.

    The client's own lane holds what concerns no invoice and no chase: stage requests,
    kill-fee pauses and bounces concern the client as a whole.
    """
    chases = timeline.chases or ()
    whole = {e.client for e in timeline.entries if not e.invoices and e.chase is None}
    clients = list(
        dict.fromkeys(
            [s.client for s in timeline.invoices] + [c.client for c in chases] + sorted(whole)
        )
    )
    lanes: list[tuple[str, str | None]] = []
    for client in clients:
        lanes += [(client, s.id) for s in timeline.invoices if s.client == client]
        lanes += [(client, f"chase:{c.id}") for c in chases if c.client == client]
        lanes += [(client, None)] if client in whole else []
    return lanes


def _draw(axes: Axes, timeline: Timeline, lanes: list[tuple[str, str | None]]) -> None:
    """Markers on lanes, a date axis, the title and a legend of what appears."""
    from matplotlib.lines import Line2D  # noqa: PLC0415 - optional dependency

    row = {lane: number for number, lane in enumerate(lanes)}
    seen: set[str] = set()
    for entry in timeline.entries:
        label, marker, colour = _LOOKS[entry.what]
        # Hollow: a contact that did not get through; a line marker (x) has no inside.
        hollow = entry.outcome in _NOT_THROUGH
        line = marker in _LINE_MARKERS
        face = colour if line or not hollow else "none"
        for lane in _entry_lanes(entry, lanes):
            y = row[lane]
            axes.scatter(
                [_days(entry.at)],
                [y],
                marker=marker,
                s=40 if label in _SMALL else 70,  # a fee on top of its message shows both
                c=face,
                edgecolors=None if line else colour,
                linewidths=1.2,
                zorder=3,
            )
            seen.add(label)
            axes.annotate(
                entry.step or entry.what,
                (_days(entry.at), y),
                xytext=(0, 8),
                textcoords="offset points",
                fontsize=6,
                rotation=35,
                ha="left",
            )
    axes.set_yticks(range(len(lanes)), [_lane_label(lane) for lane in lanes])
    axes.set_ylim(-0.7, len(lanes) - 0.2)
    axes.invert_yaxis()
    axes.set_xlim(_days(timeline.start), _days(timeline.until))
    axes.xaxis_date()
    axes.grid(axis="x", linestyle=":", linewidth=0.6)
    axes.set_title(
        f"paychase simulation: policy '{timeline.policy}', {timeline.start:%Y-%m-%d} to "
        f"{timeline.until:%Y-%m-%d} ({mode_text(timeline.cadence)})"
    )
    shown = [look for look in dict.fromkeys(_LOOKS.values()) if look[0] in seen]
    shown = list({look[0]: look for look in shown}.values())
    handles = [
        Line2D([], [], marker=marker, linestyle="none", color=colour, markersize=8)
        for _, marker, colour in shown
    ]
    labels = [label for label, _, _ in shown]
    if any(entry.outcome in _NOT_THROUGH for entry in timeline.entries):
        handles.append(
            Line2D([], [], marker="o", linestyle="none", markerfacecolor="none", color="grey")
        )
        labels.append("did not get through")
    if handles:
        axes.legend(
            handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False
        )


def _days(moment: datetime) -> float:
    """`moment` as matplotlib's date number (days since its epoch), for the x axis."""
    import matplotlib.dates as mdates  # noqa: PLC0415 - optional dependency

    number: float = mdates.date2num(moment)  # type: ignore[no-untyped-call]
    return number


def _entry_lanes(
    entry: SimulationEntry, lanes: list[tuple[str, str | None]]
) -> list[tuple[str, str | None]]:
    """The lanes an entry is drawn on: each of its invoices', its chase's, else its client's."""
    if entry.invoices:
        return [lane for lane in lanes if lane[1] in entry.invoices]
    if entry.chase is not None:
        return [(entry.client, f"chase:{entry.chase}")]
    return [(entry.client, None)]


def _lane_label(lane: tuple[str, str | None]) -> str:
    client, invoice = lane
    return f"{invoice} ({client})" if invoice is not None else f"{client} (client)"
