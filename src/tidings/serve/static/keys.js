// Keyboard navigation of story lists: j / k next / previous story, o or Enter open it,
// m mark it read or unread (logged-in accounts), / search, ? the list of keys.
// Progressive enhancement: every action is also a link or a form button.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll("ol.articles > li"));
  var current = -1;

  function typing(event) {
    var t = event.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName));
  }

  function select(index) {
    if (!items.length) return;
    index = Math.max(0, Math.min(items.length - 1, index));
    if (current >= 0) items[current].classList.remove("current");
    current = index;
    var item = items[current];
    item.classList.add("current");
    var link = item.querySelector("h2 a");
    if (link) link.focus({preventScroll: true});
    item.scrollIntoView({block: "nearest"});
  }

  function toggleRead(item) {
    var button = item.querySelector("button[data-mark]");
    if (!button || !window.fetch) return;
    var form = button.form;
    var data = new FormData(form);
    data.set("read", button.value);
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"accept": "application/json"}
    }).then(function (response) {
      if (!response.ok) return;
      return response.json().then(function (answer) {
        item.classList.toggle("read", answer.read);
        button.value = answer.read ? "0" : "1";
        button.textContent = answer.read ? "Mark unread" : "Mark read";
      });
    }).catch(function () {});
  }

  function help() {
    var box = document.getElementById("keys-help");
    if (box) { box.hidden = !box.hidden; return; }
    box = document.createElement("div");
    box.id = "keys-help";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", "Keyboard shortcuts");
    box.textContent = "j / k: next / previous story · o or Enter: open · " +
      "m: mark read or unread · /: search · ?: show or hide this";
    document.body.appendChild(box);
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event)) return;
    var key = event.key;
    if (key === "j") { select(current + 1); }
    else if (key === "k") { select(current < 0 ? 0 : current - 1); }
    else if ((key === "o" || key === "Enter") && current >= 0) {
      var link = items[current].querySelector("h2 a");
      if (!link) return;
      window.location.href = link.href;
    }
    else if (key === "m" && current >= 0) { toggleRead(items[current]); }
    else if (key === "/") {
      var search = document.querySelector("input[name=q]");
      if (!search) return;
      search.focus();
    }
    else if (key === "?") { help(); }
    else { return; }
    event.preventDefault();
  });
})();
