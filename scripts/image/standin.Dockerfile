# The Python part of the stand-in for public.ecr.aws/docker/library/python:3.13-slim, on the Debian root filesystem
# standin_base.sh made (scripts/image/engine/standin.py passes it as ROOTFS). Like the official image: python, python3
# and pip in /usr/local/bin, pip without setuptools or wheel, no bytecode for the standard library, LANG=C.UTF-8,
# CMD python3.
ARG ROOTFS
FROM ${ROOTFS}
# Debian marks its Python as externally managed; the official image's is not, so `pip install` as root must work.
RUN rm -f /usr/lib/python3.13/EXTERNALLY-MANAGED \
    && wheel="$(ls /usr/share/python-wheels/pip-*.whl)" \
    && python3.13 "$wheel/pip" install --quiet --no-index --no-compile --root-user-action=ignore "$wheel" \
    && ln -sf /usr/bin/python3.13 /usr/local/bin/python3 \
    && ln -sf python3 /usr/local/bin/python \
    && printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\ntimeout = 180\n' > /etc/pip.conf
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8
CMD ["python3"]
