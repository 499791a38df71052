# Stub: a lowercase, hyphenated slug (Prefect re-exports python-slugify's).
import re


def slugify(text, **options):
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
