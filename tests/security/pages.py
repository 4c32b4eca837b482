"""Checks any test can run on any page it fetches: the CSP forbids inline script, the HTML has
none, and every POST form carries the CSRF token. Call them on every new page:

    from tests.security.pages import assert_page_is_safe
    assert_page_is_safe(client.get(url))
"""

from html.parser import HTMLParser

# <script> types that hold data, not code: the browser never runs them.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "importmap"}


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inline_scripts: list[str] = []
        self.event_handlers: list[str] = []
        self.javascript_urls: list[str] = []
        self.post_forms: list[dict] = []
        self._in_inline_script = False
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.event_handlers.append(f"<{tag} {name}={value!r}>")
            url = (value or "").strip().lower()
            if name in ("href", "src", "action", "formaction") and url.startswith("javascript:"):
                self.javascript_urls.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            script_type = (attributes.get("type") or "").strip().lower()
            self._in_inline_script = not attributes.get("src") and (
                script_type not in DATA_SCRIPT_TYPES
            )
            if self._in_inline_script:
                self.inline_scripts.append("")
        if tag == "form":
            self._form = {"method": (attributes.get("method") or "get").lower(), "csrf": False}
            self._form["action"] = attributes.get("action", "")
            if self._form["method"] == "post":
                self.post_forms.append(self._form)
        if (
            tag == "input"
            and self._form is not None
            and attributes.get("name") == "csrfmiddlewaretoken"
            and attributes.get("value")
        ):
            self._form["csrf"] = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False
        if tag == "form":
            self._form = None

    def handle_data(self, data):
        if self._in_inline_script:
            self.inline_scripts[-1] += data


def parse_page(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = [word.lower() for word in words[1:]]
    return directives


def assert_csp_forbids_inline_script(response) -> None:
    directives = csp_directives(response)
    assert directives, "the response has no Content-Security-Policy header"
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts, "the CSP does not restrict scripts"
    assert "'unsafe-inline'" not in scripts, f"script-src allows inline script: {scripts}"
    assert "'unsafe-eval'" not in scripts, f"script-src allows eval: {scripts}"
    assert "*" not in scripts, f"script-src is too wide: {scripts}"
    assert "data:" not in scripts, f"script-src is too wide: {scripts}"
    assert directives.get("object-src") == ["'none'"]
    assert directives.get("frame-ancestors") == ["'none'"]
    assert directives.get("base-uri") == ["'self'"]


def assert_no_inline_script(html: str) -> None:
    page = parse_page(html)
    snippets = [script.strip()[:80] for script in page.inline_scripts]
    assert not snippets, f"inline <script> without src: {snippets}"
    assert not page.event_handlers, f"inline event handler attributes: {page.event_handlers[:3]}"
    assert not page.javascript_urls, f"javascript: URLs: {page.javascript_urls[:3]}"


def assert_post_forms_have_csrf_token(html: str) -> None:
    page = parse_page(html)
    missing = [form["action"] or "(this page)" for form in page.post_forms if not form["csrf"]]
    assert not missing, f"POST forms without a CSRF token, posting to: {missing}"


def assert_page_is_safe(response) -> None:
    """The page is served under a CSP without inline script, has none, and protects its forms."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert_csp_forbids_inline_script(response)
    assert_no_inline_script(html)
    assert_post_forms_have_csrf_token(html)
