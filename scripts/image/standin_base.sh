#!/usr/bin/env bash
# Build a local stand-in for public.ecr.aws/docker/library/python:3.13-slim from Debian trixie packages, for one
# architecture, and load it into Docker as `$STANDIN_REPO:$ARCH` (image_test.py tags it with the Dockerfile's FROM
# name before each build). No container registry is reachable here, so the official image cannot be pulled.
#
# How the stand-in differs from the official image (also in the README, "The image"):
#   - Python is Debian's python3.13 (/usr/bin/python3.13, stdlib in /usr/lib/python3.13), not a build from source in
#     /usr/local; /usr/local/bin/python, python3 and pip point at it. Packages pip installs land in
#     /usr/local/lib/python3.13/dist-packages (Debian's layout) instead of .../site-packages.
#   - pip is the wheel Debian ships (python3-pip-whl), installed with itself into /usr/local; no setuptools or
#     wheel, as in the official 3.13 image. Debian's EXTERNALLY-MANAGED marker is removed, as the official image has
#     none, so `pip install` as root works the same.
#   - Like the official image, the standard library has no compiled bytecode (Debian's compiled files are deleted)
#     and no test suites.
#   - This machine's extra CA certificates (/usr/local/share/ca-certificates) and its pip settings that reach PyPI
#     (the CA bundle, the timeout) are added, so pip inside `docker build` reaches PyPI as the host does. The
#     official image has Debian's CA bundle only and no pip configuration.
#   - The image is flattened into one layer by `docker import` and carries no RepoDigest, so it cannot satisfy the
#     Dockerfile's `@sha256:` pin: image_test.py builds with --build-arg BASE_IMAGE=<the same name without digest>.
set -euo pipefail

arch=${1:?usage: standin_base.sh amd64|arm64 OUT_TAR}
out=${2:?usage: standin_base.sh amd64|arm64 OUT_TAR}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
host_cas=/usr/local/share/ca-certificates

nice mmdebstrap --quiet --variant=minbase --architectures="$arch" --format=tar \
    --include=python3.13,python3-pip-whl,ca-certificates,netbase,tzdata \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook="if [ -d $host_cas ]; then cp -r $host_cas/. \"\$1$host_cas/\"; fi" \
    --customize-hook='chroot "$1" update-ca-certificates --fresh >/dev/null' \
    --customize-hook='rm -f "$1"/usr/lib/python3.13/EXTERNALLY-MANAGED' \
    --customize-hook='whl=$(ls "$1"/usr/share/python-wheels/pip-*.whl); w=${whl#"$1"};
        chroot "$1" python3.13 "$w/pip" install --quiet --no-index --no-compile --prefix /usr/local "$w"' \
    --customize-hook='ln -sf /usr/bin/python3.13 "$1/usr/local/bin/python3"; ln -sf python3 "$1/usr/local/bin/python";
        ln -sf pip3 "$1/usr/local/bin/pip" 2>/dev/null || true' \
    --customize-hook='printf "[global]\ncert = /etc/ssl/certs/ca-certificates.crt\ntimeout = 180\n" > "$1/etc/pip.conf"' \
    --customize-hook='find "$1/usr/lib/python3.13" "$1/usr/local/lib" -depth \( -name __pycache__ -o -name test -o -name tests -o -name idle_test \) -type d -exec rm -rf {} +' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    trixie "$out" "$mirror"
