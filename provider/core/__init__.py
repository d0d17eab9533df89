"""The vocabulary of a kind, shared by every layer: the models' building blocks (``model``), a kind's
spec (``spec``), reading a model's fields (``schema``) and the provider's settings (``settings``).

Imports nothing of ``provider`` but ``provider.errors``.
"""
