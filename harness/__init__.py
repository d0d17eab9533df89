"""A stand-in of the Pulumi engine at the plugin level, shared by ``tests/`` and ``benchmarks/``.

``engine`` drives the SDK's dynamic-provider plugin over gRPC as the engine does; ``offers`` declares valid
objects; ``stack_config`` is the stack config a user would set, pointed at an emulator. It imports ``provider`` and
the emulator kit, never ``tests`` or ``benchmarks``: the benchmarks measure the same plugin the tests check
without depending on the test suite.
"""
