"""Code written from the kinds' models: the SDK's typed Args and output annotations (``sdk_args``, run as
``python -m provider.generators.sdk_args``) and the Pulumi program ``python -m provider.export`` writes to adopt a
sandbox (``adoption_program``). Pure functions of the specs; may import every layer but the commands.
"""
