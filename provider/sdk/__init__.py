"""What a Pulumi program calls: the resource every kind's class derives from (``resource.SpecResource``), the typed
Args and output annotations generated from the models (``args``, ``outputs``), the checks those Args run as they are
built (``arg_checks``) and a fix-up of the Pulumi SDK (``workarounds``).

Imports ``provider.core`` and ``provider.engine`` (a resource hands the engine its provider) and ``provider.errors``.
"""
