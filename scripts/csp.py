#!/usr/bin/env python3
"""Trunk post-build hook: adds a Content-Security-Policy to the built index.html, and writes
the release's file list into the service worker (sw.js).

First the JavaScript is minified (scripts/minify.py: it rewrites index.html's integrity
attributes, so the two must not run side by side, as two Trunk hooks of one stage would).

Trunk's loader is an inline <script type="module">; the policy allows exactly that script by
its SHA-256 hash, scripts from the site itself, and WebAssembly compilation; nothing else
runs (no other inline script, no eval, no remote code). Styles may be inline (Yew sets
style attributes). Runs in Trunk's staging directory ($TRUNK_STAGING_DIR).
"""
import base64
import hashlib
import os
import re
import subprocess
import sys

staging = os.environ.get("TRUNK_STAGING_DIR")
if not staging:
    sys.exit("csp.py runs as a Trunk post_build hook (TRUNK_STAGING_DIR is not set)")
subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "minify.py")], check=True)
path = os.path.join(staging, "index.html")
html = open(path, encoding="utf-8").read()
hashes = []
# (index.html is minified: attribute quotes may be gone)
for script in re.findall(r"<script type=\"?module\"?>(.*?)</script>", html, re.S):
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    hashes.append(f"'sha256-{digest}'")
policy = (
    "default-src 'self'; "
    f"script-src 'self' 'wasm-unsafe-eval' {' '.join(hashes)}; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'"
)
meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}" />'
charset = re.search(r"<meta charset=\"?utf-8\"?\s*/?>", html)
if not charset:
    sys.exit("csp.py: index.html has no <meta charset=utf-8>")
html = html[:charset.end()] + meta + html[charset.end():]
open(path, "w", encoding="utf-8").write(html)

# The service worker caches exactly this release's files, under a name made from their hash
# (the PostgreSQL page, www/pg/, has none of its own).
worker = os.path.join(staging, "sw.js")
if not os.path.exists(worker):
    sys.exit(0)
files = []
digest = hashlib.sha256()
for root, _, names in os.walk(staging):
    for name in sorted(names):
        full = os.path.join(root, name)
        relative = os.path.relpath(full, staging).replace(os.sep, "/")
        if relative == "sw.js":
            continue
        files.append("./" if relative == "index.html" else "./" + relative)
        digest.update(relative.encode() + open(full, "rb").read())
files.sort()
source = open(worker, encoding="utf-8").read()
source = source.replace("__RELEASE__", digest.hexdigest()[:16]).replace("__FILES__", repr(files).replace("'", '"'))
open(worker, "w", encoding="utf-8").write(source)
