# Stub of packaging.version (not installed beside Alembic): numeric release comparison.
class Version:
    def __init__(self, text):
        self.release = tuple(int(part) for part in text.split(".")[:3] if part.isdigit())

    def __ge__(self, other):
        return self.release >= other.release

    def __lt__(self, other):
        return self.release < other.release
