# Stub: the holder recorded with a lease.
class ConcurrencyLeaseHolder:
    def __init__(self, **fields):
        self.fields = fields
