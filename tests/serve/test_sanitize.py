from __future__ import annotations

from tidings.serve.sanitize import sanitize_html


def test_strips_scripts_and_handlers() -> None:
    out = sanitize_html(
        '<p onclick="x()">Hi<script>alert(1)</script></p><img src=x onerror=alert(1)>'
    )
    assert "<script" not in out
    assert "alert" not in out
    assert "onerror" not in out and "onclick" not in out
    assert "<p>Hi</p>" in out
    assert '<img src="x">' in out


def test_drops_javascript_urls() -> None:
    out = sanitize_html(
        '<a href="javascript:alert(1)">a</a><a href=" JaVaScRiPt:alert(1)">b</a>'
        '<img src="javascript:alert(1)" alt="i"><a href="data:text/html,x">c</a>'
    )
    assert "javascript" not in out.lower()
    assert "data:" not in out


def test_keeps_allowed_markup_and_sets_rel() -> None:
    html = (
        "<h2>T</h2><h3>U</h3><h4>V</h4><p><em>e</em> <strong>s</strong><br></p>"
        "<ul><li>1</li></ul><ol><li>2</li></ol><blockquote>q</blockquote>"
        '<figure><img src="https://x.example/a.png" alt="A"><figcaption>c</figcaption></figure>'
        "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>"
        "<pre><code>x = 1</code></pre>"
        '<a href="https://x.example/" target="_blank">l</a><a href="mailto:a@x.example">m</a>'
    )
    out = sanitize_html(html)
    for fragment in (
        "<h2>T</h2>",
        "<h3>U</h3>",
        "<h4>V</h4>",
        "<em>e</em>",
        "<strong>s</strong>",
        "<br>",
        "<ul><li>1</li></ul>",
        "<ol><li>2</li></ol>",
        "<blockquote>q</blockquote>",
        '<img src="https://x.example/a.png" alt="A">',
        "<figcaption>c</figcaption>",
        "<th>h</th>",
        "<td>d</td>",
        "<pre><code>x = 1</code></pre>",
        '<a href="https://x.example/" rel="noopener noreferrer nofollow">l</a>',
        '<a href="mailto:a@x.example" rel="noopener noreferrer nofollow">m</a>',
    ):
        assert fragment in out, fragment
    assert "target" not in out


def test_unwraps_unknown_tags_and_drops_dangerous_content() -> None:
    out = sanitize_html(
        '<div class="x" style="color:red"><h1>Title</h1><span>kept</span></div>'
        "<style>p{}</style><iframe src='https://x.example'></iframe><!-- c -->"
        "<svg><script>alert(1)</script></svg><form><input></form>"
    )
    assert out == "Titlekept"
