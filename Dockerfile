# The AgentCore Runtime container: linux/arm64 only (build with --platform linux/arm64; the CDK asset does).
# Base image from the ECR Public mirror of Docker's official images (AgentCore pulls it without Docker Hub limits),
# pinned by digest so every build starts from the same bytes; the tag says which image the digest is. Bump both
# together: docker buildx imagetools inspect public.ecr.aws/docker/library/python:3.13-slim
# `make image-test` passes the same name without the digest (--build-arg BASE_IMAGE=...): it builds from a local
# stand-in of that name, which no local build can give the official digest (README, "The image").
ARG BASE_IMAGE=public.ecr.aws/docker/library/python:3.13-slim@sha256:7c61056e61ac89e852de05f3dc6fa51a6dd2181797bceed46aa725dd7cb2cd3b
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Telemetry as the container runs it (`python -m bench` starts our side with these too). ADOT's MCP instrumentation
# imports the MCP SDK when opentelemetry-instrument starts, about half a second before the first /ping and the first
# answer, to trace MCP sessions; this agent neither serves nor calls MCP, and nothing else imports that SDK. Everything
# the agent does stays traced (Bedrock calls via botocore, the HTTP server, Strands' own agent and tool spans, logs).
# An agent that adds MCP tools removes aws_mcp from this list.
ENV OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=aws_mcp

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the pins or the kept AWS services change, not on every code
# change.
# agent/requirements.txt is the complete lock with every wheel's hash: --require-hashes refuses a wheel that is not
# the one locked, and --no-deps installs exactly the lock (see its header; `make check-image` proves the agent works
# without what it leaves out). In the same layer, so that nothing deleted still takes space below it, dead weight
# goes: the packages' own test suites (nothing imports them), and botocore's models of the ~440 AWS services the
# image never calls. The services kept are listed, each with its reason, in agent/aws_services.txt: a tool that calls
# another AWS service adds it there (a test fails until it does), and `make image-test` checks that exactly those
# models are left and a client for each still builds. The agent user gets a real home directory, where HOME points.
COPY agent/requirements.txt agent/aws_services.txt agent/
RUN pip install --no-cache-dir --no-compile --no-deps --require-hashes -r agent/requirements.txt \
    && site="$(python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" \
    && find "$site" -depth -type d \( -name tests -o -name test \) -exec rm -rf {} + \
    && for model in "$site"/botocore/data/*/; do \
        grep -qE "^$(basename "$model")([[:space:]]|#|$)" agent/aws_services.txt || rm -rf "$model"; \
    done \
    && useradd --uid 1000 --create-home --shell /usr/sbin/nologin agent

# The code belongs to root and the process runs as uid 1000: the agent cannot rewrite itself. contract/ holds the
# names the agent shares with the stack and the client (stdlib only).
COPY contract/ contract/
COPY agent/ agent/

# Bytecode for exactly what the agent imports when it starts, standard library included, written here once: as uid
# 1000 with PYTHONDONTWRITEBYTECODE nothing could cache it, and the official base ships its standard library
# uncompiled, so every start would compile it all again. Modules the start never imports (about half of the
# installed code) stay source only and are compiled in memory if something imports them later.
RUN PYTHONDONTWRITEBYTECODE='' AWS_REGION=us-east-1 opentelemetry-instrument python -m agent.server --prepare
USER 1000

EXPOSE 8080

# opentelemetry-instrument starts the AWS Distro for OpenTelemetry, as AgentCore's own generated images do;
# traces, metrics and logs then reach CloudWatch GenAI observability without code changes.
CMD ["opentelemetry-instrument", "python", "-m", "agent"]
