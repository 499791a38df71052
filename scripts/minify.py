#!/usr/bin/env python3
"""Trunk post-build hook (before csp.py): minifies the page's JavaScript with esbuild.

Trunk minifies index.html and the CSS itself (Trunk.toml's `minify`) but copies
wasm-bindgen's glue and its snippets as they are: about 3.5 KB of gzip of comments, names and
whitespace on the first load. Each `.js` file in Trunk's staging directory ($TRUNK_STAGING_DIR)
is minified in place (an ES module stays one: exports and import paths are kept), and the
`integrity` (sha384) index.html gives it is recomputed, or the browser would refuse to run it.
The service worker (sw.js) is left as csp.py fills it in.
"""
import base64
import hashlib
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
staging = os.environ.get("TRUNK_STAGING_DIR")
if not staging:
    sys.exit("minify.py runs as a Trunk post_build hook (TRUNK_STAGING_DIR is not set)")
esbuild = os.path.join(ROOT, "node_modules/.bin/esbuild")
if not os.access(esbuild, os.X_OK):
    sys.exit("minify.py: node_modules/.bin/esbuild is missing (scripts/setup installs it)")


def sri(path):
    digest = hashlib.sha384(open(path, "rb").read()).digest()
    return "sha384-" + base64.b64encode(digest).decode()


index = os.path.join(staging, "index.html")
html = open(index, encoding="utf-8").read()
for root, _, names in os.walk(staging):
    for name in sorted(names):
        full = os.path.join(root, name)
        relative = os.path.relpath(full, staging).replace(os.sep, "/")
        if not name.endswith(".js") or relative == "sw.js":
            continue
        before = sri(full)
        subprocess.run([esbuild, "--minify", "--format=esm", "--log-level=warning", full,
                        "--outfile=" + full, "--allow-overwrite"], check=True)
        if before not in html:
            sys.exit(f"minify.py: index.html has no integrity for {relative}")
        html = html.replace(before, sri(full))
open(index, "w", encoding="utf-8").write(html)
