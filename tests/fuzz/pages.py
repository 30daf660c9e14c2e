"""Reading every form of a page as the fuzzer needs it: where it posts, each field's name and
the values the page offers for it (every option of a select, every radio and checkbox)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageForm:
    """One form: its action and method, and the values offered per field name."""

    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)

    def offer(self, name: str, value: str) -> None:
        """Note a value the page offers for a field."""
        self.fields.setdefault(name, [])
        if value not in self.fields[name]:
            self.fields[name].append(value)

    def genuine_pairs(self) -> list[tuple[str, str]]:
        """A plausible submission: the first value offered for each field."""
        return [(name, values[0] if values else "") for name, values in self.fields.items()]


class _FormCollector(HTMLParser):
    """Collects every form with an action (or hx-post) and its named controls."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = a.get("hx-post") or a.get("action") or ""
            method = "post" if a.get("hx-post") else (a.get("method") or "get").lower()
            self._form = PageForm(action=action, method=method)
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "button") and a.get("name"):
            if a.get("type") != "file":
                self._form.offer(a["name"], a.get("value", "on" if tag == "input" else ""))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select:
            self._form.offer(self._select, a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form.offer(a["name"], "")

    def handle_data(self, data):
        if self._form is not None and self._textarea and data.strip():
            self._form.offer(self._textarea, data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_forms(html: str) -> list[PageForm]:
    """Every form of the page that posts somewhere."""
    collector = _FormCollector()
    collector.feed(html)
    return [form for form in collector.forms if form.action]
