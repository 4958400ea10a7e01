"""Step 3, layers: each function gets the layers built for its architecture. The step is
`layers.run`; `families` is the model (builds, exceptions, releases), `catalog` reads and checks
layer mappings, `plan` decides one function's layers. `PREFIX` starts a family name in `Layers`
(`safelambda:datadog-extension`)."""

from .catalog import PREFIX, bundled, bundled_document
from .families import ARCHITECTURES, Family
from .layers import architecture_mismatches, run

__all__ = [
    "ARCHITECTURES",
    "PREFIX",
    "Family",
    "architecture_mismatches",
    "bundled",
    "bundled_document",
    "run",
]
