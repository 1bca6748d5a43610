# The AgentCore Runtime container: linux/arm64 only (build with --platform linux/arm64; the CDK asset does).
# Base image from the ECR Public mirror of Docker's official images: AgentCore pulls it without Docker Hub limits.
FROM public.ecr.aws/docker/library/python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DOCKER_CONTAINER=1

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the pins change, not on every code change.
# agent/requirements.txt is the complete lock, so --no-deps installs exactly it: pip resolves nothing and cannot pull
# in the packages the lock leaves out on purpose (see its header; `make check-image` proves the agent works without).
COPY agent/requirements.txt agent/requirements.txt
RUN pip install --no-cache-dir --no-deps -r agent/requirements.txt \
    && useradd --uid 1000 --no-create-home --shell /usr/sbin/nologin agent

# The code belongs to root and the process runs as uid 1000: the agent cannot rewrite itself.
COPY agent/ agent/
USER 1000

EXPOSE 8080

# opentelemetry-instrument starts the AWS Distro for OpenTelemetry, as AgentCore's own generated images do;
# traces, metrics and logs then reach CloudWatch GenAI observability without code changes.
CMD ["opentelemetry-instrument", "python", "-m", "agent.server"]
