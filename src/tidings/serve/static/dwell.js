// Reports how long the reader kept this article in view (seconds), once, when the
// page is hidden or left: the headline learner weighs each click by it, so a
// headline followed by a quick bounce earns nothing. Progressive enhancement only.
(function () {
  "use strict";
  var article = document.querySelector("article[data-headline-id]");
  if (!article || !window.fetch) return;
  var visibleSince = document.visibilityState === "visible" ? Date.now() : null;
  var seen = 0;
  var sent = false;
  function pause() {
    if (visibleSince !== null) { seen += Date.now() - visibleSince; visibleSince = null; }
  }
  function send() {
    pause();
    if (sent) return;
    sent = true;
    var body = JSON.stringify({events: [{
      kind: "dwell",
      article_id: Number(article.dataset.articleId),
      headline_id: Number(article.dataset.headlineId),
      seconds: Math.round(seen / 100) / 10
    }]});
    var root = document.querySelector("a.brand").getAttribute("href").replace(/\/$/, "");
    fetch(root + "/api/v1/events", {
      method: "POST", keepalive: true, credentials: "same-origin",
      headers: {"content-type": "application/json"}, body: body
    }).catch(function () {});
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") send();
    else if (!sent) visibleSince = Date.now();
  });
  window.addEventListener("pagehide", send);
})();
