"""Step 3, layers: each function gets the layers built for its architecture. The step is
`layers.run`; `catalog` reads the layer mapping, `plan` decides one function's layers.
`PREFIX` starts a family name in `Layers` (`safelambda:datadog-extension`)."""

from .catalog import PREFIX
from .layers import architecture_mismatches, run

__all__ = ["PREFIX", "architecture_mismatches", "run"]
