"""The sandbox templates run in: what they may reach, print and spend.

Templates are data a host supplies, so they run in jinja2's immutable sandbox: no attribute
starting with ``_``, no Python internals, no imports, no changing the variables. On top of it:

* **Printing.** Only text, numbers, dates, amounts and lists or mappings of them become text
  (`_as_text`), however the template asks — ``{{ }}``, ``~``, ``%``, ``.format``, a filter such
  as ``|string`` or ``|join``. A method, a class, a module or a jinja2 object is refused, so a
  repr with a heap address (``<built-in method get of dict object at 0x7f…>``) never reaches a
  client.
* **A budget per render** (`Budget`): the wall-clock time the template's code may run, checked
  at every loop step, call, attribute lookup and filter; and the longest text or list it may
  build, checked *before* an operation that could build something larger (``center``,
  ``indent``, ``replace``, ``join``, ``wordwrap``, ``%``, ``.format``, ``*``…), so a template
  cannot stall a run or take the host's memory. Numbers are bounded too: an integer may have
  at most `MAX_DIGITS` digits, a decimal's exponent at most as many.

Checks run in the hooks jinja2's sandbox already has (`call`, `getattr`, `call_binop`,
`finalize`, the filters) and in two the code generator adds: each ``{% for %}`` iterates
through `Sandbox.metered` and each ``~`` operand passes `Sandbox.as_text`. No thread or signal
is used, so a template can be rendered from any thread.
"""

from __future__ import annotations

import functools
import math
import re
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from string import Formatter
from time import monotonic
from typing import Any, Generic, TypeVar

from jinja2 import Environment, Template, nodes, pass_eval_context
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import FilterArgumentError, SecurityError
from jinja2.filters import make_attrgetter, sync_do_join
from jinja2.nodes import EvalContext
from jinja2.runtime import Context as JinjaContext
from jinja2.runtime import Undefined
from jinja2.sandbox import (
    ImmutableSandboxedEnvironment,
    SandboxedEscapeFormatter,
    SandboxedFormatter,
)
from markupsafe import Markup

from paychase.messages._formatting import Day, Moment, Money, Rate, Span

__all__ = [
    "MAX_DIGITS",
    "MESSAGE_BUDGET",
    "PAGE_BUDGET",
    "TRUSTED_BUDGET",
    "Budget",
    "Sandbox",
    "metered",
    "untimed",
]


@dataclass(frozen=True, slots=True)
class Budget:
    """What one render of a template may spend.

    Attributes:
        seconds: wall-clock time the template's code may run; compiling a template is not
            counted (it is paychase's work, done once per renderer).
        characters: the longest text the template may build, its whole output included; a
            list may hold at most as many items.
    """

    seconds: float
    characters: int


MESSAGE_BUDGET = Budget(seconds=1.0, characters=1_000_000)
"""A message's subject, plain text or HTML: a real one takes milliseconds and a few kilobytes."""

TRUSTED_BUDGET = Budget(seconds=120.0, characters=50_000_000)
"""A message when only the built-in templates render: they are ours and bounded, so the clock
stops nothing but a machine under heavy load (a message about 1 000 invoices takes long)."""

PAGE_BUDGET = Budget(seconds=30.0, characters=50_000_000)
"""A page such as the evidence pack, which grows with a client's history (about 1 s and 2.3 MB
for a client with 1 000 invoices and 3 000 contacts)."""

MAX_DIGITS = 1000
"""The most digits an integer a template computes may have, and the largest decimal exponent."""

_MAX_BITS = math.ceil(MAX_DIGITS * math.log2(10))
# Width and precision of a number formatted by '%' beyond its own digits: a float has up to 309.
_NUMBER_CHARACTERS = 330
# Attributes that would give a template bytes, whose methods the text checks do not cover.
_BYTES_MAKERS = frozenset({"encode", "to_bytes"})
# What jinja2 passes a filter before the template's own arguments.
_PASSED = (EvalContext, Environment, JinjaContext)
# Values that print themselves as text a reader may see: str() of them is never a repr.
_SCALARS = (str, int, float, Decimal, date, Money, Day, Moment, Rate, Span, type(None))
_CONTAINERS = (list, tuple, dict)
# What prints as str() of itself; an undefined variable raises its own error there.
_PRINTED_AS_THEMSELVES = (*_SCALARS, Undefined)
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")
_DIGITS = re.compile(r"\d+")
_T = TypeVar("_T")


class _Meter:
    """The budget of the render under way, being spent."""

    __slots__ = ("characters", "deadline", "seconds")

    def __init__(self, budget: Budget) -> None:
        self.seconds = budget.seconds
        self.characters = budget.characters
        self.deadline = monotonic() + budget.seconds

    def tick(self) -> None:
        """Stop the render once its time is up."""
        if monotonic() > self.deadline:
            raise SecurityError(f"the template ran longer than its {self.seconds:g} s")

    def fits(self, size: int, what: str) -> None:
        """Stop the render before it builds `what`, `size` characters or items long, if too long."""
        if size > self.characters:
            raise SecurityError(f"{what} would be longer than {self.characters:,} characters")


_METER: ContextVar[_Meter] = ContextVar("paychase_template_meter")


def _meter() -> _Meter:
    """The budget of the render under way.

    Outside a render — when jinja2 folds a constant expression while compiling — this raises
    `LookupError`, which jinja2 takes as "not constant": the expression is then evaluated, and
    checked, when the template runs.
    """
    return _METER.get()


@contextmanager
def _budgeted(budget: Budget) -> Iterator[None]:
    """Run a render on `budget`, decimals limited to `MAX_DIGITS` of exponent."""
    token = _METER.set(_Meter(budget))
    try:
        with localcontext(Emax=MAX_DIGITS, Emin=-MAX_DIGITS):
            yield
    finally:
        _METER.reset(token)


@contextmanager
def untimed() -> Iterator[None]:
    """Give the render under way back the time spent inside (compiling a template it includes)."""
    meter = _METER.get(None)
    started = monotonic()
    try:
        yield
    finally:
        if meter is not None:
            meter.deadline += monotonic() - started


class _Budgeted(Template):
    """A template whose every render runs on its environment's budget."""

    environment: Sandbox

    def render(self, *args: Any, **kwargs: Any) -> str:
        """The template rendered, as `jinja2.Template.render`, within the budget."""
        with _budgeted(self.environment.budget):
            return super().render(*args, **kwargs)


class _MeteredCode(CodeGenerator):
    """jinja2's code generator, with each loop metered and each ``~`` operand checked."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:  # noqa: N802
        """Route loops and joins through the sandbox, then generate as jinja2 does."""
        loops = list(node.find_all(nodes.For))
        joins = list(node.find_all(nodes.Concat))
        for loop in loops:
            loop.iter = _through("metered", loop.iter)
        for join in joins:
            join.nodes = [_through("as_text", operand) for operand in join.nodes]
        super().visit_Template(node, frame)


def _through(method: str, node: nodes.Node) -> nodes.Expr:
    """`node` passed to the environment's `method`: ``environment.method(node)``."""
    call = nodes.Call(nodes.EnvironmentAttribute(method), [node], [], None, None)
    call.set_lineno(node.lineno or 1)
    return call


def metered(items: Iterable[_T]) -> _Metered[_T]:
    """`items`, checking the render's time at every step: for loops that may run long.

    Each ``{% for %}`` iterates through it, and so do paychase's own filters over long text.
    """
    return _Metered(items, _meter())


class _Metered(Generic[_T]):
    """An iterable whose every step checks the render's time (`len` as the items')."""

    __slots__ = ("_items", "_meter")

    def __init__(self, items: Iterable[_T], meter: _Meter) -> None:
        self._items = items
        self._meter = meter

    def __iter__(self) -> Iterator[_T]:
        for item in self._items:
            self._meter.tick()
            yield item

    def __len__(self) -> int:
        return len(self._items)  # type: ignore[arg-type]  # unsized: TypeError, as for the items


class Sandbox(ImmutableSandboxedEnvironment):
    """jinja2's immutable sandbox with printing restricted and a budget per render.

    Args:
        budget: what each render of a template may spend.
        filters: filters to add to jinja2's own (all of them are guarded alike).
        options: as for `jinja2.Environment`, except ``finalize``, which the sandbox sets.
    """

    template_class = _Budgeted
    code_generator_class = _MeteredCode
    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def __init__(
        self, *, budget: Budget, filters: Mapping[str, Callable[..., Any]], **options: Any
    ) -> None:
        super().__init__(finalize=_printable, **options)
        self.budget = budget
        self._safe_attributes: dict[tuple[type, str], bool] = {}
        del self.filters["pprint"]  # it prints reprs, and nothing a reader should see
        for unused in ("lipsum", "cycler", "joiner"):  # they only print reprs into a message
            self.globals.pop(unused, None)
        self.filters |= {"format": _format_filter, "join": _join_filter, **filters}
        for name, function in self.filters.items():
            self.filters[name] = _guarded(name, function)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """As the immutable sandbox, and no way to bytes (``'x'.encode``, ``(1).to_bytes``).

        jinja2's answer depends on the object's type and the attribute's name only (which types
        and names are internal or mutate), so it is worked out once for each pair: templates
        read the same few attributes of the same few types thousands of times a run.
        """
        known = (type(obj), attr)
        safe = self._safe_attributes.get(known)
        if safe is None:
            safe = attr not in _BYTES_MAKERS and super().is_safe_attribute(obj, attr, value)
            self._safe_attributes[known] = safe
        return safe

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``obj.attribute``, as the sandbox allows it, on the render's time."""
        _meter().tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """``obj[argument]``, as the sandbox allows it, on the render's time."""
        _meter().tick()
        return super().getitem(obj, argument)

    def call(self, context: JinjaContext, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """A call from a template (a macro, a method, a global) within the budget.

        A method of a text is checked first: its arguments must be printable, and what it
        builds (``'x'.center(10**9)``, ``sep.join(items)``) must fit.
        """
        meter = _meter()
        meter.tick()
        text = _text_of_method(obj)
        if text is not None:
            args = _text_method_arguments(text, obj.__name__, args, kwargs, meter)
        return _bounded(super().call(context, obj, *args, **kwargs), meter)

    def call_binop(self, context: JinjaContext, operator: str, left: Any, right: Any) -> Any:
        """``+``, ``*``, ``**`` and ``%``, refused when the result would be too large."""
        meter = _meter()
        meter.tick()
        if operator == "%" and isinstance(left, str):
            return _interpolated(left, right, meter)
        _check_operation(operator, left, right, meter)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``text.format`` and ``text.format_map``, printing what `_as_text` allows, in budget."""
        if not (
            isinstance(value, types.MethodType | types.BuiltinMethodType)
            and value.__name__ in ("format", "format_map")
            and isinstance(value.__self__, str)
        ):
            return None
        text: str = value.__self__
        by_name = value.__name__ == "format_map"

        def format_text(*args: Any, **kwargs: Any) -> str:
            if by_name:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one mapping")
                mapping = args[0]
                args, kwargs = (), mapping
            formatter: Formatter = (
                _EscapeFormatter(self, escape=text.escape)
                if isinstance(text, Markup)
                else _Formatter(self)
            )
            return type(text)(formatter.vformat(text, args, kwargs))

        return functools.update_wrapper(format_text, value)

    def concat(self, parts: Iterable[str]) -> str:
        """Join output (a render's, a macro's, a block's), stopping once it outgrows the budget."""
        meter = _meter()
        size = 0
        kept = []
        for part in parts:
            meter.tick()
            size += len(part)
            meter.fits(size, "the output")
            kept.append(part)
        return "".join(kept)

    def metered(self, items: Iterable[Any]) -> _Metered[Any]:
        """What a ``{% for %}`` iterates: `items`, checking the render's time at every step."""
        return metered(items)

    def as_text(self, value: Any) -> str:
        """An operand of ``~`` as text, if the template may print it."""
        return _as_text(value, _meter())


def _printable(value: Any) -> str:
    """What ``{{ }}`` prints: `value` as text, if the template may print it (the finalize hook)."""
    return _as_text(value, _meter())


def _as_text(value: Any, meter: _Meter) -> str:
    """The text `value` prints as, when a template may print it at all.

    Text (`Markup` kept as it is), numbers, dates and the context's amounts, dates, rates and
    spans print as themselves; a list, tuple or dict of such values as Python writes it,
    measured before it is written. Anything else — a method, a class, a module, a jinja2
    object — would print a repr, often with a heap address, and is refused.
    """
    if isinstance(value, str):
        text = value
    elif isinstance(value, _PRINTED_AS_THEMSELVES):
        text = str(value)  # an undefined variable raises its own error here
    elif type(value) in _CONTAINERS:
        meter.fits(_repr_size(value, meter.characters), "a printed list")
        text = str(value)
    else:
        raise SecurityError(
            f"a template may print text, numbers, dates and amounts, not {type(value).__name__}"
        )
    meter.fits(len(text), "a printed value")
    return text


def _repr_size(value: Any, limit: int) -> int:
    """How long ``repr(value)`` is, counted no further than just past `limit`.

    Raises:
        SecurityError: something inside may not be printed.
    """
    if type(value) not in _CONTAINERS:
        if isinstance(value, Undefined):
            return len(str(value))  # an undefined variable raises its own error here
        if not isinstance(value, _SCALARS):
            raise SecurityError(
                "a template may print lists of text, numbers, dates and amounts, "
                f"not of {type(value).__name__}"
            )
        return len(repr(value))
    size = 2
    pairs = value.items() if isinstance(value, dict) else ((item,) for item in value)
    for pair in pairs:
        for part in pair:
            size += 2 + _repr_size(part, limit - size)
            if size > limit:
                return size
    return size


def _bounded(value: _T, meter: _Meter) -> _T:
    """`value`, when it is not a text, list or integer larger than a template may build."""
    if isinstance(value, str | list | tuple | dict):
        meter.fits(len(value), "a text or list")
    elif isinstance(value, int) and value.bit_length() > _MAX_BITS:
        raise SecurityError(f"a number of more than {MAX_DIGITS} digits")
    return value


def _check_operation(operator: str, left: Any, right: Any, meter: _Meter) -> None:
    """Refuse ``+``, ``*`` or ``**`` whose result would be larger than a template may build."""
    sized = (str, list, tuple)
    if operator == "+" and isinstance(left, sized) and isinstance(right, sized):
        meter.fits(len(left) + len(right), "the result of '+'")
    elif operator == "*":
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, sized) and isinstance(count, int):
                meter.fits(len(sequence) * count, "the result of '*'")
        if isinstance(left, int) and isinstance(right, int):
            _check_bits(left.bit_length() + right.bit_length(), "*")
    elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
        _check_bits(right * math.log2(abs(left) or 1), "**")


def _check_bits(bits: float, operator: str) -> None:
    if bits > _MAX_BITS:
        raise SecurityError(f"the result of {operator!r} would have more than {MAX_DIGITS} digits")


def _interpolated(template: str, values: Any, meter: _Meter) -> str:
    """``template % values``, refused when the fields or widths would make it too long.

    Each ``%`` field is taken to be as wide as its width or precision, or as long as the
    longest value (as text): never much less than Python makes it. A width taken from the
    values (``%*d``) is refused, as no message needs one.
    """
    fields = _PERCENT_FIELD.findall(template)
    if any("*" in field for field in fields):
        raise SecurityError("a '%' field may not take its width from the values ('*')")
    widest = max((_number(digits) for field in fields for digits in field if digits), default=0)
    given = values if type(values) is tuple else (values,)
    longest = max((len(_as_text(value, meter)) for value in given), default=0)
    per_field = max(widest + _NUMBER_CHARACTERS, longest)
    meter.fits(len(template) + len(fields) * per_field, "the result of '%'")
    result: str = template % values
    return _bounded(result, meter)


def _number(digits: str) -> int:
    """The width or precision `digits` spells, without converting an absurdly long one."""
    return int(digits) if len(digits) <= 18 else 10**18


def _text_of_method(obj: Any) -> str | None:
    """The text `obj` is a method of (``""`` for a class method such as `Markup.escape`)."""
    if not isinstance(obj, types.MethodType | types.BuiltinMethodType):
        return None
    owner = obj.__self__
    if isinstance(owner, str):
        return owner
    return "" if isinstance(owner, type) and issubclass(owner, str) else None


def _text_method_arguments(
    text: str, name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any], meter: _Meter
) -> tuple[Any, ...]:
    """The arguments of ``text.name(...)``, once they are printable and the result fits.

    Returns:
        The positional arguments to call with: ``join``'s items are read into a list first,
        to be measured, and the call gets that list.
    """
    if name == "join" and len(args) == 1 and not kwargs:
        items = list(args[0])
        meter.fits(_joined_size(text, items, meter), "a joined text")
        return (items,)
    for value in (*args, *kwargs.values()):
        _as_text(value, meter)  # Markup.escape(x) and friends print their argument
    meter.fits(_method_result_size(text, name, args, kwargs), f"the result of .{name}()")
    return args


def _method_result_size(
    text: str, name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]
) -> int:
    """About how long ``text.name(*args, **kwargs)`` is, for the methods that make text longer."""
    if name in ("center", "ljust", "rjust", "zfill") and args:
        return max(len(text), _whole(args[0]))
    if name == "expandtabs":
        tabsize = _whole(_argument(args, kwargs, 0, "tabsize", 8))
        return len(text) + text.count("\t") * max(tabsize, 0)
    if name == "replace" and len(args) >= 2:
        return _replaced_size(text, args[0], args[1], _argument(args, kwargs, 2, "count", -1))
    if name == "translate" and args:
        table = args[0]
        values = table.values() if isinstance(table, dict) else table
        return len(text) * max((len(str(v)) for v in values if v is not None), default=1)
    return len(text)


def _joined_size(separator: str, items: Sequence[Any], meter: _Meter) -> int:
    """How long `items` joined by `separator` are, counted no further than past the budget."""
    size = len(_as_text(separator, meter)) * max(len(items) - 1, 0)
    for item in items:
        if size > meter.characters:
            break
        size += len(_as_text(item, meter))
    return size


def _replaced_size(text: str, old: Any, new: Any, count: Any) -> int:
    """How long `text` is with `old` replaced by `new` (at most `count` times, if not negative)."""
    found = str(text).count(str(old))
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(str(text)) + found * (len(str(new)) - len(str(old)))


def _argument(
    args: Sequence[Any], kwargs: Mapping[str, Any], index: int, name: str, default: Any
) -> Any:
    """The argument at `index`, or by `name`, or `default`."""
    return args[index] if len(args) > index else kwargs.get(name, default)


def _whole(value: Any) -> int:
    """`value` when it is an integer, else 0 (Python then refuses it in its own words)."""
    return value if isinstance(value, int) else 0


class _Counting(Formatter):
    """``str.format`` printing only what `_as_text` allows, and only as much as the budget."""

    _size: int = 0

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        """``{x!r}`` and ``{x!s}``: refused for a value a template may not print."""
        _as_text(value, _meter())
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> Any:
        """One field, measured before (its width or precision) and after it is formatted."""
        meter = _meter()
        widest = max((_number(digits) for digits in _DIGITS.findall(format_spec)), default=0)
        meter.fits(widest + len(_as_text(value, meter)), "a formatted field")
        text = super().format_field(value, format_spec)
        self._size += len(text)
        meter.fits(self._size, "a formatted text")
        return text


class _Formatter(_Counting, SandboxedFormatter):
    """The sandbox's formatter for ``str.format``, counting."""


class _EscapeFormatter(_Counting, SandboxedEscapeFormatter):
    """The sandbox's formatter for ``Markup.format`` (escaping each field), counting."""


_Precheck = Callable[[Sequence[Any], Mapping[str, Any], _Meter], None]


def _centered(given: Sequence[Any], kwargs: Mapping[str, Any], meter: _Meter) -> None:
    width = _whole(_argument(given, kwargs, 1, "width", 80))
    meter.fits(max(len(str(given[0])), width), "the result of |center")


def _indented(given: Sequence[Any], kwargs: Mapping[str, Any], meter: _Meter) -> None:
    text = str(given[0])
    width = _argument(given, kwargs, 1, "width", 4)
    indent = len(width) if isinstance(width, str) else _whole(width)
    meter.fits(len(text) + (text.count("\n") + 1) * indent, "the result of |indent")


def _replaced(given: Sequence[Any], kwargs: Mapping[str, Any], meter: _Meter) -> None:
    old, new = _argument(given, kwargs, 1, "old", ""), _argument(given, kwargs, 2, "new", "")
    size = _replaced_size(given[0], old, new, _argument(given, kwargs, 3, "count", None))
    meter.fits(size, "the result of |replace")


def _wrapped(given: Sequence[Any], kwargs: Mapping[str, Any], meter: _Meter) -> None:
    text = str(given[0])
    width = max(_whole(_argument(given, kwargs, 1, "width", 79)), 1)
    wrapstring = _argument(given, kwargs, 3, "wrapstring", None)
    lines = len(text.split()) + len(text) // width + text.count("\n") + 1
    separator = 1 if wrapstring is None else len(str(wrapstring))
    meter.fits(len(text) + lines * separator, "the result of |wordwrap")


def _linked(given: Sequence[Any], kwargs: Mapping[str, Any], meter: _Meter) -> None:
    text = str(given[0])
    target = _argument(given, kwargs, 3, "target", None)
    rel = _argument(given, kwargs, 4, "rel", None)
    attributes = len(str(target or "")) + len(str(rel or ""))
    meter.fits(len(text) + len(text.split()) * attributes, "the result of |urlize")


def _batched(given: Sequence[Any], kwargs: Mapping[str, Any], meter: _Meter) -> None:
    meter.fits(_whole(_argument(given, kwargs, 1, "linecount", 0)), "a batch")


def _sliced(given: Sequence[Any], kwargs: Mapping[str, Any], meter: _Meter) -> None:
    meter.fits(_whole(_argument(given, kwargs, 1, "slices", 0)), "a list of slices")


def _summed(given: Sequence[Any], kwargs: Mapping[str, Any], meter: _Meter) -> None:
    # Adding lists or tuples copies them again at every item: quadratic, in one C call.
    start = _argument(given, kwargs, 2, "start", 0)
    if not isinstance(start, int | float | Decimal):
        raise SecurityError("|sum adds numbers: its start must be a number")


def _no_indent(given: Sequence[Any], kwargs: Mapping[str, Any], meter: _Meter) -> None:
    # An indent is written once per level on every line: a huge one takes the host's memory.
    if _argument(given, kwargs, 1, "indent", None) is not None:
        raise SecurityError("|tojson takes no indent in a template")


# Filters that turn their arguments into text: each must be printable.
_TEXT_FILTERS = frozenset(
    {
        "capitalize",
        "center",
        "e",
        "escape",
        "forceescape",
        "indent",
        "lower",
        "paragraphs",
        "replace",
        "safe",
        "string",
        "striptags",
        "title",
        "tojson",
        "trim",
        "truncate",
        "upper",
        "upper_first",
        "urlencode",
        "urlize",
        "wordcount",
        "wordwrap",
        "xmlattr",
    }
)
# Filters that can build far more than they are given, checked before they run.
_PRECHECKS: dict[str, _Precheck] = {
    "batch": _batched,
    "center": _centered,
    "indent": _indented,
    "replace": _replaced,
    "slice": _sliced,
    "sum": _summed,
    "tojson": _no_indent,
    "urlize": _linked,
    "wordwrap": _wrapped,
}


def _guarded(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Filter `function` on the render's time, its arguments and result checked as `name` needs."""
    text = name in _TEXT_FILTERS
    precheck = _PRECHECKS.get(name)

    @functools.wraps(function)  # keeps jinja2's pass_context / pass_eval_context marks
    def guarded(*args: Any, **kwargs: Any) -> Any:
        meter = _meter()
        meter.tick()
        given = [arg for arg in args if not isinstance(arg, _PASSED)]
        if text:
            for value in (*given, *kwargs.values()):
                _as_text(value, meter)
        if precheck is not None:
            precheck(given, kwargs, meter)
        return _bounded(function(*args, **kwargs), meter)

    return guarded


def _format_filter(value: Any, *args: Any, **kwargs: Any) -> str:
    """``|format``: ``value % args`` (or ``% kwargs``), as jinja2's, within the budget."""
    if args and kwargs:
        raise FilterArgumentError("can't handle positional and keyword arguments at the same time")
    meter = _meter()
    return _interpolated(_as_text(value, meter), kwargs or args, meter)


@pass_eval_context
def _join_filter(
    eval_ctx: EvalContext, value: Iterable[Any], d: str = "", attribute: str | int | None = None
) -> str:
    """``|join``, as jinja2's, measured before anything is joined."""
    items = list(value)
    if attribute is not None:
        items = list(map(make_attrgetter(eval_ctx.environment, attribute), items))
    meter = _meter()
    meter.fits(_joined_size(d, items, meter), "a joined text")
    return sync_do_join(eval_ctx, items, d)
