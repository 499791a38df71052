# Stub: Block._calculate_schema_checksum as Prefect computes it (sha256 of the sorted JSON).
import hashlib
import json


class Block:
    @classmethod
    def _calculate_schema_checksum(cls, schema):
        digest = hashlib.sha256(json.dumps(schema, sort_keys=True).encode()).hexdigest()
        return f"sha256:{digest}"
