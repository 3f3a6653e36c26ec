"""Unpacks the Stan toolchain from the httpstan wheel: stanc, include/ and lib/ (not the Python
package), into a temporary folder renamed into place, so an interrupted install leaves nothing half
made. Usage: unpack-stan-wheel.py WHEEL DEST"""
import os
import shutil
import sys
import tempfile
import zipfile

wheel, dest = sys.argv[1], sys.argv[2]
parent = os.path.dirname(os.path.abspath(dest))
os.makedirs(parent, exist_ok=True)
staging = tempfile.mkdtemp(dir=parent, prefix=".unpacking-")
try:
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            rest = name[len("httpstan/"):] if name.startswith("httpstan/") else None
            if rest is None or not (rest == "stanc" or rest.startswith("include/") or rest.startswith("lib/")):
                continue
            z.extract(name, staging)
    root = os.path.join(staging, "httpstan")
    os.chmod(os.path.join(root, "stanc"), 0o755)
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.rename(root, dest)
finally:
    shutil.rmtree(staging, ignore_errors=True)
