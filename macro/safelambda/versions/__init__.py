"""Steps 4 and 5, hash and Version + Alias: the step is `versions.run`; `hashing` and
`dependencies` compute the content hash, `digests` hashes every function in the order the
Versions they name require, `takeover` adopts the Versions and aliases SAM made."""

from .hashing import HASH_SCHEME
from .versions import run

__all__ = ["HASH_SCHEME", "run"]
