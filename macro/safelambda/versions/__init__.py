"""Steps 4 and 5, hash and Version + Alias: the step is `versions.run`; `hashing` and
`dependencies` compute the content hash, `takeover` replaces the Versions other tools publish per
content (`generators` knows their logical IDs: SAM, the CDK, the Serverless Framework) and adopts
the alias that follows them."""

from .hashing import HASH_SCHEME
from .versions import run

__all__ = ["HASH_SCHEME", "run"]
