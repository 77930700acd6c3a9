"""The RustyTags tag API, escaped by default.

Every tag function renders at once to an ``HtmlString``, a Django ``SafeString`` (a ``str``
with ``__html__``), so the result can be returned from a component, embedded with ``{{ }}`` in
Django templates or Jinja2, passed to ``format_html()`` or to ``HttpResponse``, and is never
escaped twice::

    >>> from rustytags_backend.html import A, Li, Ul
    >>> print(Ul(Li(A("Tom & Jerry", href="/show?id=1&ep=2")), cls="shows"))
    <ul class="shows"><li><a href="/show?id=1&amp;ep=2">Tom &amp; Jerry</a></li></ul>

Every public name of rusty-tags 0.7.0 has its counterpart here (the Datastar expression DSL in
:mod:`rustytags_backend.html.datastar`); ``docs/porting.md`` lists the intended differences.

Children
    ``str`` children are escaped. Objects whose type defines ``__html__`` are trusted markup
    and inserted as they are: this layer's own output, Django's ``mark_safe()``/``SafeString``,
    forms and widgets, ``csrf_input`` and ``markupsafe.Markup``. Output of rusty-tags itself
    (``from rusty_tags import Div``, ``from nitro import Div``) is refused with a ``TypeError``:
    rusty-tags escapes nothing. To insert markup you trust, wrap it:
    ``Div(mark_safe(svg_icon))``. ``None``, ``True`` and ``False`` render nothing (so
    ``Div(user.is_staff and Badge())`` works); other objects, such as numbers, dates and lazy
    translations, render as their ``str()``, escaped. Lists, tuples, generators and other
    iterables are flattened. A ``dict`` given as a positional child holds attributes, as in
    RustyTags.

Attributes
    Keyword arguments become attributes in the order given. Values are always escaped, even
    ``SafeString`` ones. ``True`` writes a bare attribute and ``False``/``None`` leave it out,
    except for ``aria-*``, which get ``"true"``/``"false"``. RustyTags' keyword conventions
    apply: ``cls``/``class_``/``_class``/``klass`` give ``class``, ``_for``/``for_``/``fr``/
    ``htmlFor`` give ``for``, ``type_`` gives ``type``, ``_`` becomes ``-`` and one leading
    ``_`` is dropped (``_x_data`` gives ``x-data``); a name with other characters, passed as
    ``**{"@click": ...}``, is used as it is. Names are validated, and two keywords for one
    attribute raise ``ValueError``.

Datastar
    ``signals={...}`` becomes ``data-signals`` with the dict as JSON. ``text=``, ``show=``,
    ``bind=``, ``effect=``, ``computed=``, ``ref=``, ``indicator=``, ``init=``, ... become the
    Datastar 1.0 attribute of that name; ``on_click=`` gives ``data-on:click``, and
    ``on_input__debounce_500ms=`` gives ``data-on:input__debounce.500ms``; ``attr_title=``,
    ``class_active=``, ``bind_name=``, ``signals_count=`` (and ``data_<plugin>_<key>``) give
    ``data-attr:title``, ``data-class:active``, ... ; ``cls={...}`` and ``attrs={...}`` give
    ``data-class`` and ``data-attr``. Expressions are the author's JavaScript, written as given
    and attribute-escaped; values in ``signals`` are data and always JSON-encoded, so put
    anything that comes from users there, never into an expression string. ``True``/``False``
    on an expression attribute are the JavaScript literals (``show=False`` gives
    ``data-show="false"``); a ``Signal`` given to ``bind=``, ``ref=`` or ``indicator=`` writes
    its name. :mod:`rustytags_backend.html.datastar` builds expressions from Python
    (``Signal``, ``js``, ``post``, ...), with every Python value written as a JS literal.

Elements
    Void elements (``br``, ``img``, ``input``, ...) have no end tag and refuse children; every
    other element gets its end tag, even when empty (``<td></td>``). ``<script>`` and
    ``<style>`` contents are not escaped, but ``</script``, ``</style`` and ``<!--`` are
    written as ``<\\/script``, ``<\\/style`` and ``<\\!--`` so the content can never end the
    element. ``Html`` starts with ``<!doctype html>``. SVG tag names keep their case
    (``clipPath``, ``linearGradient``).
"""

from __future__ import annotations

from rustytags_backend._elements import CustomTag, Fragment, Tag, element
from rustytags_backend._html_string import HtmlString
from rustytags_backend.layout import Page

from ._parse import HtmlElement
from ._utilities import (
    AttrDict,
    Safe,
    TagBuilder,
    create_template,
    page_template,
    show,
    template,
    unless,
    when,
)
from .datastar import (
    DS,
    SSE,
    ElementPatchMode,
    EventType,
    Signals,
    attribute_generator,
    reactive_class,
    signals,
)

# HTML elements
A = element("a")
Abbr = element("abbr")
Address = element("address")
Area = element("area")
Article = element("article")
Aside = element("aside")
Audio = element("audio")
B = element("b")
Base = element("base")
Bdi = element("bdi")
Bdo = element("bdo")
Blockquote = element("blockquote")
Body = element("body")
Br = element("br")
Button = element("button")
Canvas = element("canvas")
Caption = element("caption")
Cite = element("cite")
Code = element("code")
Col = element("col")
Colgroup = element("colgroup")
Data = element("data")
Datalist = element("datalist")
Dd = element("dd")
Del = element("del")
Details = element("details")
Dfn = element("dfn")
Dialog = element("dialog")
Div = element("div")
Dl = element("dl")
Dt = element("dt")
Em = element("em")
Embed = element("embed")
Fieldset = element("fieldset")
Figcaption = element("figcaption")
Figure = element("figure")
Footer = element("footer")
Form = element("form")
H1 = element("h1")
H2 = element("h2")
H3 = element("h3")
H4 = element("h4")
H5 = element("h5")
H6 = element("h6")
Head = element("head")
Header = element("header")
Hgroup = element("hgroup")
Hr = element("hr")
Html = element("html")
I = element("i")  # noqa: E741 - the <i> element
Iframe = element("iframe")
Img = element("img")
Input = element("input")
Ins = element("ins")
Kbd = element("kbd")
Label = element("label")
Legend = element("legend")
Li = element("li")
Link = element("link")
Main = element("main")
Map = element("map")
Mark = element("mark")
Menu = element("menu")
Meta = element("meta")
Meter = element("meter")
Nav = element("nav")
Noscript = element("noscript")
Object = element("object")
Ol = element("ol")
Optgroup = element("optgroup")
Option = element("option")
Output = element("output")
P = element("p")
Picture = element("picture")
Pre = element("pre")
Progress = element("progress")
Q = element("q")
Rp = element("rp")
Rt = element("rt")
Ruby = element("ruby")
S = element("s")
Samp = element("samp")
Script = element("script")
Search = element("search")
Section = element("section")
Select = element("select")
Slot = element("slot")
Small = element("small")
Source = element("source")
Span = element("span")
Strong = element("strong")
Style = element("style")
Sub = element("sub")
Summary = element("summary")
Sup = element("sup")
Table = element("table")
Tbody = element("tbody")
Td = element("td")
Template = element("template")
Textarea = element("textarea")
Tfoot = element("tfoot")
Th = element("th")
Thead = element("thead")
Time = element("time")
Title = element("title")
Tr = element("tr")
Track = element("track")
U = element("u")
Ul = element("ul")
Var = element("var")
Video = element("video")
Wbr = element("wbr")
OptionEl = Option  # RustyTags' name for <option>

# SVG elements
Circle = element("circle")
ClipPath = element("clipPath")
Defs = element("defs")
Desc = element("desc")
Ellipse = element("ellipse")
Filter = element("filter")
ForeignObject = element("foreignObject")
G = element("g")
Image = element("image")
Line = element("line")
LinearGradient = element("linearGradient")
Marker = element("marker")
Mask = element("mask")
Path = element("path")
Pattern = element("pattern")
Polygon = element("polygon")
Polyline = element("polyline")
RadialGradient = element("radialGradient")
Rect = element("rect")
Stop = element("stop")
Svg = element("svg")
Symbol = element("symbol")
Text = element("text")
TextPath = element("textPath")
Tspan = element("tspan")
Use = element("use")

__all__ = [
    "DS",
    "H1",
    "H2",
    "H3",
    "H4",
    "H5",
    "H6",
    "SSE",
    "A",
    "Abbr",
    "Address",
    "Area",
    "Article",
    "Aside",
    "AttrDict",
    "Audio",
    "B",
    "Base",
    "Bdi",
    "Bdo",
    "Blockquote",
    "Body",
    "Br",
    "Button",
    "Canvas",
    "Caption",
    "Circle",
    "Cite",
    "ClipPath",
    "Code",
    "Col",
    "Colgroup",
    "CustomTag",
    "Data",
    "Datalist",
    "Dd",
    "Defs",
    "Del",
    "Desc",
    "Details",
    "Dfn",
    "Dialog",
    "Div",
    "Dl",
    "Dt",
    "ElementPatchMode",
    "Ellipse",
    "Em",
    "Embed",
    "EventType",
    "Fieldset",
    "Figcaption",
    "Figure",
    "Filter",
    "Footer",
    "ForeignObject",
    "Form",
    "Fragment",
    "G",
    "Head",
    "Header",
    "Hgroup",
    "Hr",
    "Html",
    "HtmlElement",
    "HtmlString",
    "I",
    "Iframe",
    "Image",
    "Img",
    "Input",
    "Ins",
    "Kbd",
    "Label",
    "Legend",
    "Li",
    "Line",
    "LinearGradient",
    "Link",
    "Main",
    "Map",
    "Mark",
    "Marker",
    "Mask",
    "Menu",
    "Meta",
    "Meter",
    "Nav",
    "Noscript",
    "Object",
    "Ol",
    "Optgroup",
    "Option",
    "OptionEl",
    "Output",
    "P",
    "Page",
    "Path",
    "Pattern",
    "Picture",
    "Polygon",
    "Polyline",
    "Pre",
    "Progress",
    "Q",
    "RadialGradient",
    "Rect",
    "Rp",
    "Rt",
    "Ruby",
    "S",
    "Safe",
    "Samp",
    "Script",
    "Search",
    "Section",
    "Select",
    "Signals",
    "Slot",
    "Small",
    "Source",
    "Span",
    "Stop",
    "Strong",
    "Style",
    "Sub",
    "Summary",
    "Sup",
    "Svg",
    "Symbol",
    "Table",
    "Tag",
    "TagBuilder",
    "Tbody",
    "Td",
    "Template",
    "Text",
    "TextPath",
    "Textarea",
    "Tfoot",
    "Th",
    "Thead",
    "Time",
    "Title",
    "Tr",
    "Track",
    "Tspan",
    "U",
    "Ul",
    "Use",
    "Var",
    "Video",
    "Wbr",
    "attribute_generator",
    "create_template",
    "page_template",
    "reactive_class",
    "show",
    "signals",
    "template",
    "unless",
    "when",
]
