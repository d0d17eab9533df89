"""``SpecProvider``: the Pulumi dynamic provider of one kind, one engine call per method.

Each kind subclasses it with its ``spec`` (``FallbackOfferProvider``, ``PlacementProvider``, ...);
every stack's state names that subclass by module and name (``provider.FallbackOfferProvider``),
so those paths stay importable for good. The instance is pickled into every resource's state, so
it holds nothing at all: the settings and the one HTTP client of the plugin process live in
``runtime.RUNTIME``. Every id the engine hands in (diff, read, update, delete) is claimed for its
resource, so that a lost create's look-up never takes it (``claims.py``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, ContextManager, Optional, TypeVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from ..core.model import SERVER_OUTPUTS, Metadata
from ..core.settings import Settings
from ..core.spec import SANDBOX_NAME, Endpoint, Failure, ResourceSpec
from ..errors import NotFoundError
from .claims import CLAIMS
from .reporting import reported
from .runtime import RUNTIME
from .validation import canonical, check_inputs, is_unknown, with_known_family

if TYPE_CHECKING:
    # Loaded by the first call that talks to Adobe, not by the plugin's first Check: they bring in
    # requests and urllib3, which preview never uses (the cold start of every `pulumi` command).
    from ..adobe.client import AdobeClient
    from ..adobe.retry import Budget
    from .writes import Writer


_Provider = TypeVar("_Provider", bound=type)


def pickled_by_package(cls: _Provider) -> _Provider:
    """Pin a kind's provider class to the package: every state names it ``provider.<Kind>Provider``
    in its pickled ``__provider``, whichever file defines it, for good."""
    cls.__module__ = "provider"
    return cls


class SpecProvider(ResourceProvider):
    """CRUD for one Offer Library kind, all of it driven by ``spec``."""

    spec: ClassVar[ResourceSpec]
    # The pickled instance carries no state (see __getstate__), so it needs no encryption in state.
    serialize_as_secret_always = False

    def __getstate__(self) -> dict[str, Any]:
        # Pickled into every resource's state: never settings, a session, a token or a lock.
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        pass

    @reported
    def configure(self, req: ConfigureRequest) -> None:
        """Called once per plugin process and kind, before any other method.

        Reads ``adobe:*`` config and the environment.
        """
        RUNTIME.configure(req.config.get)

    @reported
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Called on every preview and up: validate and canonicalise the inputs. No network.

        An object that names no sandbox keeps the one it was created in (``olds``): a different
        default on another machine must not move, and so replace, every object of the stack.
        """
        checked = check_inputs(self.spec, news, olds.get(SANDBOX_NAME) or self.settings.sandbox_name)
        for extra in self.spec.checks:
            checked.failures.extend(extra(checked.inputs, self.settings))
        checked.inputs.update(self.spec.notices)
        return CheckResult(checked.inputs, [_for_the_engine(failure, news) for failure in checked.failures])

    @reported
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Called on every preview and up for an existing object: what would change. No network.

        ``olds`` are the last outputs (inputs plus server fields); only user-owned fields count.
        """
        sandbox = self._sandbox(olds)
        CLAIMS.claim(sandbox, _id)
        if CLAIMS.was_reused(sandbox, _id):
            # A create of this run took this resource's object as a killed run's leftover (see
            # Writer._reusable): that resource keeps it, this one gets a new object (whose
            # replacement's delete leaves the old one alone).
            return DiffResult(changes=True, replaces=[SANDBOX_NAME], delete_before_replace=False)
        # A value unknown until apply is never equal to what the state holds (an Unknown equals only
        # itself), so inequality alone finds it: no walk through every value on every preview.
        changed = [field for field in self.spec.user_fields if olds.get(field) != news.get(field)]
        family = self.spec.family
        if family is not None and family.flag in changed:
            # The model an object belongs to never changes in place: another model is another object.
            if (olds.get(family.flag) is True) == (news.get(family.flag) is True) and not is_unknown(
                news.get(family.flag)
            ):
                changed.remove(family.flag)
        replaces = [
            field
            for field in changed
            if field in self.spec.replace_on_change or (family is not None and field == family.flag)
        ]
        old_sandbox, new_sandbox = olds.get(SANDBOX_NAME), news.get(SANDBOX_NAME)
        if old_sandbox and new_sandbox and (is_unknown(new_sandbox) or new_sandbox != old_sandbox):
            replaces.append(SANDBOX_NAME)
        if not (changed or replaces):
            return DiffResult(changes=False, replaces=[], delete_before_replace=False)
        # "Unknown" rather than "some": the engine then diffs the old and new inputs itself and learns
        # which keys changed, which `replace_on_changes` and the displayed diff need and which the
        # SDK's plugin has no way to send.
        return DiffResult(changes=None, replaces=replaces, delete_before_replace=False)

    @reported
    def create(self, props: dict[str, Any]) -> CreateResult:
        """Called by up for a new resource: one POST, or the adoption of the object named by the adopt input."""
        sandbox = self._sandbox(props)
        desired = canonical(self.spec, props)
        adopt = props.get(self.spec.adopt_input)
        writer = self._writer(props)
        with self._one_budget() as budget:
            metadata = (
                writer.adopt(sandbox, adopt, desired, budget) if adopt else writer.create(sandbox, desired, budget)
            )
        return CreateResult(metadata.id, self._with_schema(self._outputs(desired, sandbox, metadata, adopt), props))

    @reported
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Called by refresh and by ``get``: one GET; an object gone outside the stack reads as gone."""
        sandbox = self._sandbox(props)
        CLAIMS.claim(sandbox, id_)
        try:
            with self._one_budget():
                live_raw = self.client.get(self._endpoint(props), sandbox, id_)
        except NotFoundError:
            return ReadResult("", {})
        live = with_known_family(self.spec, canonical(self.spec, live_raw), props)
        metadata = Metadata.from_api(live_raw)
        adopt = props.get(self.spec.adopt_input)
        inputs = {**live, **self.spec.notices, SANDBOX_NAME: sandbox}
        if adopt:
            inputs[self.spec.adopt_input] = adopt
        outputs = self._outputs(live, sandbox, metadata, adopt)
        if self.spec.schema_input and props.get(self.spec.schema_input):
            inputs[self.spec.schema_input] = outputs[self.spec.schema_input] = props[self.spec.schema_input]
        return ReadResult(metadata.id, outputs, inputs)

    @reported
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Called by up when diff found changes: one PATCH, guarded by what the stack last saw."""
        sandbox = self._sandbox(olds)
        CLAIMS.claim(sandbox, id_)
        seen = canonical(self.spec, olds)
        desired = canonical(self.spec, news)
        with self._one_budget() as budget:
            writer = self._writer(news)
            if self.spec.update_verb == "PUT":
                metadata = writer.replace_whole(sandbox, id_, seen, desired, budget)
            else:
                metadata = writer.update(sandbox, id_, seen, desired, budget)
        outputs = self._with_schema(self._outputs(desired, sandbox, metadata, news.get(self.spec.adopt_input)), news)
        if metadata is None:
            outputs.update({key: olds[key] for key in SERVER_OUTPUTS if key in olds})
            if "etag" in outputs:
                outputs["etag"] = int(outputs["etag"])
        return UpdateResult(outputs)

    @reported
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Called by up and destroy: one DELETE; an object already gone counts as deleted.

        A kind Adobe cannot delete (``archive_on_delete``: Decisioning placements) is archived
        instead, as the UI does; its ``notices`` input says so in every plan.
        """
        sandbox = self._sandbox(props)
        CLAIMS.claim(sandbox, id_)
        if CLAIMS.was_reused(sandbox, id_):
            # A create of this run took the object (a renamed resource's, identical): it is that resource's now.
            return
        with self._one_budget() as budget:
            if self.spec.archive_on_delete is not None:
                self._writer(props).archive(sandbox, id_, budget)
            else:
                self.client.delete(self._endpoint(props), sandbox, id_)

    # -- run-time state (never pickled) ------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return RUNTIME.settings

    @property
    def client(self) -> AdobeClient:
        return RUNTIME.client

    def _one_budget(self) -> ContextManager[Budget]:
        """One ``adobe:retryDeadline`` for the whole engine call: every retry below it draws on this clock."""
        from ..adobe.retry import Budget, spending

        return spending(Budget.starting_now(self.settings.retry_deadline))

    def _endpoint(self, props: dict[str, Any]) -> Endpoint:
        """The kind's endpoint, with the ``x-schema-id`` this resource names, if it names one."""
        schema = props.get(self.spec.schema_input) if self.spec.schema_input else None
        return (
            replace(self.spec.endpoint, schema_id=schema) if isinstance(schema, str) and schema else self.spec.endpoint
        )

    def _with_schema(self, outputs: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        if self.spec.schema_input and props.get(self.spec.schema_input):
            outputs[self.spec.schema_input] = props[self.spec.schema_input]
        return outputs

    def _writer(self, props: Optional[dict[str, Any]] = None) -> Writer:
        from .lookup import INDEXES
        from .writes import WritePolicy, Writer

        settings = self.settings
        # A request that timed out was sent adobe:requestTimeout ago at the latest, and Adobe's side may
        # still commit it until adobe:lateWriteWindow after it was sent (a slow gateway keeps working
        # after we gave up): look for it only once that window has passed. The default of 60 s is
        # what common gateways allow an upstream call, and keeps the default wait at 30 s after a 30 s timeout.
        policy = WritePolicy(
            attempts=settings.max_retries + 1,
            settle_seconds=max(0.0, settings.late_write_window - settings.request_timeout),
        )
        return Writer(
            self.spec,
            self.client,
            settings.client_id,
            policy,
            endpoint=self._endpoint(props or {}),
            indexes=INDEXES if settings.take_leftovers else None,
        )

    def _sandbox(self, props: dict[str, Any]) -> str:
        return props.get(SANDBOX_NAME) or self.settings.sandbox_name

    def _outputs(
        self, desired: dict[str, Any], sandbox: str, metadata: Optional[Metadata], adopt: Optional[str]
    ) -> dict[str, Any]:
        outputs: dict[str, Any] = {**desired, **self.spec.notices, SANDBOX_NAME: sandbox}
        if adopt:
            outputs[self.spec.adopt_input] = adopt
        if metadata is not None:
            outputs.update(metadata.to_outputs())
        return outputs


def _for_the_engine(failure: Failure, news: dict[str, Any]) -> CheckFailure:
    """A failure in the form the engine shows right.

    The engine prints ``property P value V has a problem: R`` with V looked up as a top-level input key
    (``inputs[failure.Property]`` in ``issueCheckFailures``, pkg/resource/deploy/step_generator.go): a
    nested path (``representations[0].components[0].format``) finds nothing and reads ``{<nil>}``. So
    only a top-level property the user gave goes as the property; any other failure goes without one
    (``resource 'x' has a problem: R``), its path leading the reason, which names the value given.
    """
    if failure.property in news:
        return CheckFailure(failure.property, failure.reason)
    return CheckFailure("", f"{failure.property}: {failure.reason}" if failure.property else failure.reason)
