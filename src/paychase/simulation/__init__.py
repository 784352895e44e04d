"""Simulation: a case's future, walked forward under scripted client behaviour."""

from paychase.simulation._simulate import (
    Behaviour,
    Script,
    SimulationEntry,
    SimulationError,
    Timeline,
    load_script,
    simulate,
    timeline_chart,
)

__all__ = [
    "Behaviour",
    "Script",
    "SimulationEntry",
    "SimulationError",
    "Timeline",
    "load_script",
    "simulate",
    "timeline_chart",
]
