#!/usr/bin/env python3
"""Compiles po/<lang>.po into LOCALEDIR/<lang>/LC_MESSAGES/bastide.mo.

Usage: build-locale.py LOCALEDIR STAMP PO...
So the binary finds its translations in the build tree, with no install.
"""
import os
import subprocess
import sys

localedir, stamp, pos = sys.argv[1], sys.argv[2], sys.argv[3:]
for po in pos:
    lang = os.path.splitext(os.path.basename(po))[0]
    out = os.path.join(localedir, lang, "LC_MESSAGES")
    os.makedirs(out, exist_ok=True)
    subprocess.run(["msgfmt", "--check", "-o", os.path.join(out, "bastide.mo"), po],
                   check=True)
with open(stamp, "w") as f:
    f.write("ok\n")
