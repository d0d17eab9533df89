"""Through the plugin alone: the SDK's dynamic-provider plugin driven over gRPC as the engine drives it
(``drive``, ``measure``, ``report``), and how late a timed-out POST may land and still be adopted (``late_create``)."""
