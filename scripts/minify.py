#!/usr/bin/env python3
"""Trunk post-build hook (before csp.py): minifies the page's JavaScript with esbuild.

Trunk minifies index.html and the CSS itself (Trunk.toml's `minify`) but copies
wasm-bindgen's glue and its snippets as they are: about 3.5 KB of gzip of comments, names and
whitespace on the first load. Each `.js` file in Trunk's staging directory ($TRUNK_STAGING_DIR)
is minified in place (an ES module stays one: exports and import paths are kept), and the
`integrity` (sha384) index.html gives it is recomputed, or the browser would refuse to run it.
(wasm-bindgen's glue gives the snippet module as the same key three times, the same module
each time: esbuild's warning about that is silenced.)
The service worker (sw.js) is left as csp.py fills it in.

Before that, the functions the WebAssembly imports from the glue get short names: wasm-bindgen
names each `__wbg_<method>_<16 hex digits>`, written once in the wasm's import section and once
as a key of the glue's import object, and those hex digits do not compress (about 2.5 KB of
gzip for 200 imports). A name is renamed only where the glue has it exactly once, as that key. The module each
import names (the glue's own file name, a snippet's path), written again for every import,
gets a short name too, where the glue has it only as a key of that object.

The same goes for what the WebAssembly exports: wasm-bindgen's closure shims are named after
their Rust types (`wasm_bindgen_<hash>___convert__closures_____invoke___...`, up to 220
characters), written once in the export section and again wherever the glue calls them as
`wasm.<name>`. An export is renamed when the glue reaches it only that way (or not at all, as
SQLite's own exports), in both files.
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


def leb128(data, at):
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def encode_leb128(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def shorten_imports(wasm_path, glue_path):
    """Renames the glue's `__wbg_..._<hash>` imports in the wasm and the glue, in place."""
    data = open(wasm_path, "rb").read()
    glue = open(glue_path, encoding="utf-8").read()
    at = 8
    while at < len(data):
        section, body = data[at], None
        size, start = leb128(data, at + 1)
        if section == 2:
            body = (start, size)
            break
        at = start + size
    if body is None:
        return
    start, size = body
    count, cursor = leb128(data, start)
    entries = bytearray(encode_leb128(count))
    renamed = 0
    modules = {}
    for _ in range(count):
        length, cursor = leb128(data, cursor)
        module = data[cursor:cursor + length]
        cursor += length
        # The module a name comes from is written again for every import (the glue's file
        # name, or a snippet's path): short too, where the glue names it only as that key.
        key = module.decode()
        if key not in modules:
            modules[key] = key
            if len(key) > 2 and f'"{key}":' in glue and glue.count(f'"{key}"') == glue.count(f'"{key}":'):
                modules[key] = f"m{len(modules):x}"
                glue = glue.replace(f'"{key}":', f'"{modules[key]}":')
        module = modules[key].encode()
        length, cursor = leb128(data, cursor)
        name = data[cursor:cursor + length].decode()
        cursor += length
        kind = data[cursor]
        # the rest of the entry: a function's type index, or a table / memory / global type
        end = cursor + 1
        if kind == 0:
            _, end = leb128(data, end)
        elif kind == 1:
            end += 1
            flags, end = leb128(data, end)
            _, end = leb128(data, end)
            if flags & 1:
                _, end = leb128(data, end)
        elif kind == 2:
            flags, end = leb128(data, end)
            _, end = leb128(data, end)
            if flags & 1:
                _, end = leb128(data, end)
        elif kind == 3:
            end += 2
        else:
            sys.exit(f"minify.py: unknown import kind {kind} in {wasm_path}")
        rest = data[cursor:end]
        cursor = end
        if re.fullmatch(r"__wbg_\w+_[0-9a-f]{16}", name) and glue.count(name) == 1 and f"{name}: function" in glue:
            short = f"_{renamed:x}"
            renamed += 1
            glue = glue.replace(f"{name}: function", f"{short}: function")
            name = short
        encoded = name.encode()
        entries += encode_leb128(len(module)) + module + encode_leb128(len(encoded)) + encoded + rest
    if cursor != start + size:
        sys.exit(f"minify.py: could not read the import section of {wasm_path}")
    data = data[:at] + bytes([2]) + encode_leb128(len(entries)) + bytes(entries) + data[start + size:]
    open(wasm_path, "wb").write(data)
    open(glue_path, "w", encoding="utf-8").write(glue)


def shorten_exports(wasm_path, glue_path):
    """Renames the wasm's exports to short names, in the wasm and the glue, in place."""
    data = open(wasm_path, "rb").read()
    glue = open(glue_path, encoding="utf-8").read()
    at = 8
    body = None
    while at < len(data):
        size, start = leb128(data, at + 1)
        if data[at] == 7:
            body = (start, size)
            break
        at = start + size
    if body is None:
        return
    start, size = body
    count, cursor = leb128(data, start)
    entries = bytearray(encode_leb128(count))
    renamed = 0
    for _ in range(count):
        length, cursor = leb128(data, cursor)
        name = data[cursor:cursor + length].decode()
        cursor += length
        kind = data[cursor]
        _, end = leb128(data, cursor + 1)
        rest = data[cursor:end]
        cursor = end
        # Property accesses and strings could reach the export; the glue's own functions and
        # variables of the same name (wasm-bindgen names a shim's wrapper after it) cannot.
        accesses = len(re.findall(r"(?:\.|[\"'`])" + re.escape(name) + r"(?![\w$])", glue))
        calls = len(re.findall(r"\bwasm\." + re.escape(name) + r"(?![\w$])", glue))
        if len(name) > 3 and accesses == calls:
            short = f"e{renamed:x}"
            renamed += 1
            glue = re.sub(r"\bwasm\." + re.escape(name) + r"(?![\w$])", "wasm." + short, glue)
            name = short
        encoded = name.encode()
        entries += encode_leb128(len(encoded)) + encoded + rest
    if cursor != start + size:
        sys.exit(f"minify.py: could not read the export section of {wasm_path}")
    data = data[:at] + bytes([7]) + encode_leb128(len(entries)) + bytes(entries) + data[start + size:]
    open(wasm_path, "wb").write(data)
    open(glue_path, "w", encoding="utf-8").write(glue)


index = os.path.join(staging, "index.html")
html = open(index, encoding="utf-8").read()
files = {}
for root, _, names in os.walk(staging):
    for name in sorted(names):
        full = os.path.join(root, name)
        relative = os.path.relpath(full, staging).replace(os.sep, "/")
        if (name.endswith(".js") and relative != "sw.js") or name.endswith("_bg.wasm"):
            files[relative] = (full, sri(full))
for relative, (full, _) in files.items():
    if relative.endswith("_bg.wasm"):
        shorten_imports(full, full[: -len("_bg.wasm")] + ".js")
        shorten_exports(full, full[: -len("_bg.wasm")] + ".js")
for relative, (full, _) in files.items():
    if relative.endswith(".js"):
        subprocess.run([esbuild, "--minify", "--format=esm", "--log-level=warning",
                        "--log-override:duplicate-object-key=silent", full,
                        "--outfile=" + full, "--allow-overwrite"], check=True)
for relative, (full, before) in files.items():
    if before not in html:
        sys.exit(f"minify.py: index.html has no integrity for {relative}")
    html = html.replace(before, sri(full))
open(index, "w", encoding="utf-8").write(html)
