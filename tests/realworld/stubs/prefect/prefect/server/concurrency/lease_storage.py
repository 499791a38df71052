# Stub: the v1-to-v2 concurrency migration only creates leases for existing limits.
class ConcurrencyLimitLeaseMetadata:
    def __init__(self, **fields):
        self.fields = fields


class _LeaseStorage:
    async def create_lease(self, **arguments):
        return None


def get_concurrency_lease_storage():
    return _LeaseStorage()
