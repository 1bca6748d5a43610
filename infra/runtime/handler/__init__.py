"""The Lambda code of the provider of runtimes and their endpoints: ``handler.on_event`` and ``handler.is_complete``.

This directory is the Lambda bundle as it is (with its pinned ``requirements.txt``): its modules import each other
without the ``infra`` package, and nothing but the standard library and boto3.
"""
