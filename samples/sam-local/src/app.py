"""A handler for `sam local invoke -t` on the processed template."""

import json

from shared import greeting


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"message": greeting()})}
