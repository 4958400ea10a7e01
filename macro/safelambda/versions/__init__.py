"""Steps 4 and 5, hash and Version + Alias: the step is `versions.run`; `hashing` and
`dependencies` compute the content hash, `digests` hashes every function in the order the
Versions they name require, `takeover` replaces the Versions other tools publish per content
(`generators` knows their logical IDs: SAM, the CDK, the Serverless Framework) and adopts the
alias that follows them. `LOCKED` (the properties a Version freezes) and `create_only` (the
properties whose change replaces a resource) are shared with the deploy model."""

from .dependencies import create_only
from .hashing import HASH_SCHEME, LOCKED
from .versions import run

__all__ = ["HASH_SCHEME", "LOCKED", "create_only", "run"]
