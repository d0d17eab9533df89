"""offerform: Adobe Journey Optimizer fallback offers as Pulumi resources.

``from provider import FallbackOffer, FallbackOfferArgs, RepresentationArgs, ComponentArgs``
"""

__version__ = "0.1.0"

from .provider import FallbackOfferProvider  # noqa: E402  (the class path every stack's state names)
# Pickled state names the class by module and name: pin it to the package, whatever file holds it.
FallbackOfferProvider.__module__ = __name__

from .resource import (  # noqa: E402
    ComponentArgs,
    FallbackOffer,
    FallbackOfferArgs,
    RankArgs,
    RepresentationArgs,
    SelectionConstraintArgs,
)

__all__ = [
    "ComponentArgs",
    "FallbackOffer",
    "FallbackOfferArgs",
    "FallbackOfferProvider",
    "RankArgs",
    "RepresentationArgs",
    "SelectionConstraintArgs",
    "__version__",
]
