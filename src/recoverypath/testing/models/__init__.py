"""Random drug and alcohol testing: panels, policies, the daily draw, selections, collections and
results, and the medications that make a positive expected. Split by subject (`policies`,
`selection`, `results`); every model is re-exported here, so imports and the app's migrations
see one `testing.models`."""

from .policies import SpecimenType, TestingPolicy, TestingSettings, TestPanel
from .results import AnalyteResult, Collection, PrescribedMedication, Validity
from .selection import DrawEntry, SelectionDraw, TestSelection

__all__ = [
    "AnalyteResult",
    "Collection",
    "DrawEntry",
    "PrescribedMedication",
    "SelectionDraw",
    "SpecimenType",
    "TestPanel",
    "TestSelection",
    "TestingPolicy",
    "TestingSettings",
    "Validity",
]
