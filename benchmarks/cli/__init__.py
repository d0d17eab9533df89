"""Through the real ``pulumi`` CLI: stacks on disk (``stack``), measured against a sequential ``requests`` loop
(``loop``) and taken apart with the engine's spans and an in-process probe (``breakdown``, ``probe/``)."""
