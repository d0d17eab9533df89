"""The provider through its plugin process: gRPC calls as the engine makes them (``harness.engine``), no CLI."""
