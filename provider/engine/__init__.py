"""What the Pulumi engine calls: one kind's provider (``provider.SpecProvider``) and what its calls need:
checking inputs (``validation``), updates as JSON Patch (``patch``), writes whose answer may be lost (``writes``),
the ids this plugin process owns (``claims``), its one settings object and client (``runtime``), and errors told
message first (``reporting``).

Imports ``provider.core``, ``provider.adobe`` and ``provider.errors``; never the program-side SDK.
"""
