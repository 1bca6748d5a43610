"""What a Bedrock model id names, which decides what the execution role may invoke.

A system (cross-Region) inference profile, ``<geo>.<provider>.<model>`` (``us.anthropic.claude-...``), routes each
request to the foundation model ``<provider>.<model>`` in a Region of its geography: the role may invoke the profile,
and the model in any Region through it. A foundation model id, ``<provider>.<model>``, is invoked in the stack's
Region only. Anything else (a typo, an ARN, a geography or provider this list does not know) would be granted as a
foundation model that does not exist, and every call would be refused at run time: it is refused here instead.
Free of ``aws_cdk``: the settings read it before any stack exists.
"""

from __future__ import annotations

from dataclasses import dataclass

INFERENCE_PROFILE_GEOS = frozenset({"us", "us-gov", "eu", "apac", "jp", "au", "ca", "global"})
"""First segment of a system inference profile id: the geography whose Regions it routes to."""

MODEL_PROVIDERS = frozenset(
    {
        "ai21",
        "amazon",
        "anthropic",
        "cohere",
        "deepseek",
        "luma",
        "meta",
        "minimax",
        "mistral",
        "openai",
        "qwen",
        "stability",
        "twelvelabs",
        "writer",
        "zai",
    }
)
"""First segment of a foundation model id: every provider of aws-cdk-lib's ``FoundationModelIdentifier`` (a test
holds the two equal). A provider Bedrock adds later is one more name here."""


@dataclass(frozen=True)
class ModelId:
    """A model id told apart: a system inference profile of ``geo``, or a foundation model (``geo`` None)."""

    model_id: str
    foundation_model: str
    """The ``<provider>.<model>`` the id calls, directly or through the profile."""
    geo: str | None = None

    @property
    def is_inference_profile(self) -> bool:
        """Whether the id is a system inference profile rather than a foundation model."""
        return self.geo is not None

    @classmethod
    def parse(cls, model_id: str) -> ModelId:
        """Tell a system inference profile from a foundation model id by their known geographies and providers.

        Raises:
            ValueError: The id is neither; the message says what each must look like.
        """
        first, _, rest = model_id.partition(".")
        provider, _, model = rest.partition(".")
        if first in INFERENCE_PROFILE_GEOS and provider in MODEL_PROVIDERS and model:
            return cls(model_id=model_id, foundation_model=rest, geo=first)
        if first in MODEL_PROVIDERS and rest:
            return cls(model_id=model_id, foundation_model=model_id)
        raise ValueError(
            f"model id {model_id!r} is neither a system inference profile (<geo>.<provider>.<model>, geo one of "
            f"{', '.join(sorted(INFERENCE_PROFILE_GEOS))}) nor a foundation model id (<provider>.<model>, provider one "
            f"of {', '.join(sorted(MODEL_PROVIDERS))})"
        )
