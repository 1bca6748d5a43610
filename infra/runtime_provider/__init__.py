"""Custom-resource provider for AgentCore runtimes.

This directory is the Lambda bundle as it is: its modules import each other without the ``infra`` package.
"""
