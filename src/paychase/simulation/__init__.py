"""Simulation: a case's future, walked forward under scripted client behaviour."""

from paychase.simulation._chart import timeline_chart
from paychase.simulation._script import Behaviour, Script, load_script
from paychase.simulation._simulate import SimulationError, simulate
from paychase.simulation._timeline import SimulationEntry, Timeline

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
