#!/usr/bin/env bash
# The Debian part of the stand-in for public.ecr.aws/docker/library/python:3.13-slim: a trixie root filesystem
# with Python 3.13 and what the official image installs beside it (ca-certificates, netbase, tzdata), written as a
# tar for `docker import`. standin.Dockerfile then sets Python up the way the official image has it. No container
# registry is reachable here, so the official image cannot be pulled. How the two differ: README, "The image".
#   bash scripts/image/standin_base.sh amd64|arm64 OUT.tar     (arm64 runs under QEMU: several minutes)
set -euo pipefail

arch=${1:?usage: standin_base.sh amd64|arm64 OUT.tar}
out=${2:?usage: standin_base.sh amd64|arm64 OUT.tar}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# This machine's extra CA certificates: pip inside `docker build` must reach PyPI as the host does.
host_cas=/usr/local/share/ca-certificates

nice mmdebstrap --quiet --variant=minbase --architectures="$arch" --format=tar \
    --include=python3.13,python3-pip-whl,ca-certificates,netbase,tzdata \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook="if [ -d $host_cas ]; then cp -r $host_cas/. \"\$1$host_cas/\"; fi" \
    --customize-hook='chroot "$1" update-ca-certificates --fresh >/dev/null 2>&1' \
    --customize-hook='find "$1/usr/lib/python3.13" -depth -type d \( -name __pycache__ -o -name test -o -name tests -o -name idle_test \) -exec rm -rf {} +' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    trixie "$out" "$mirror"
